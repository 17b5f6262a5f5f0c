/** Why: `/campaign close` (/关闭评选): asks for confirmation, then stops new applications and keeps every record. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { confirmCloseCard } from '../cards/campaign.ts';
import { textSafe } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .max(1, 'args.one_campaign_id')
  .transform((w) => ({ id: w[0] ? Number(w[0].replace(/^#/, '')) : undefined }))
  .refine((a) => a.id === undefined || (Number.isInteger(a.id) && a.id > 0), 'args.campaign_id_number');

export const campaignClose = defineCommand({
  name: 'campaign close',
  triggers: ['/campaign close', '/关闭评选'],
  summaryKey: 'commands.campaign_close',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const open = await ctx.services.campaigns.byStatus(['OPEN']);
    const target = a.id !== undefined ? open.find((c) => c.id === a.id) : open.length === 1 ? open[0] : undefined;
    if (!target) {
      await ctx.reply(
        open.length === 0
          ? ctx.t('campaign.none_open')
          : a.id !== undefined
            ? ctx.t('campaign.not_open', { id: a.id })
            : ctx.t('campaign.which_one', { list: open.map((c) => `#${c.id} ${textSafe(c.name, 40)}`).join('、') }),
      );
      return;
    }
    await ctx.reply(confirmCloseCard(ctx.deps.messages, target));
  },
});
