/** Why: `/campaign list` (/评选列表): every recent round with its status and deadline, so ids are easy to find. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { card, md } from '../cards/common.ts';
import { userText } from '../cards/markdown.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

export const campaignList = defineCommand({
  name: 'campaign list',
  triggers: ['/campaign list', '/评选列表'],
  summaryKey: 'commands.campaign_list',
  roles: ['secretariat', 'regional_admin', 'member_admin', 'inspector'],
  args,
  async handle(ctx) {
    const rows = await ctx.services.campaigns.list();
    if (!rows.length) {
      await ctx.reply(ctx.t('campaign.list_empty'));
      return;
    }
    const lines = rows.map((c) =>
      ctx.t('campaign.list_line', {
        id: c.id,
        name: userText(c.name, 60),
        cycle: c.cycle,
        status: ctx.t(`status.${c.status}`),
        deadline: c.milestones.find((m) => m.key === 'apply_deadline')?.startsOn ?? '—',
      }),
    );
    await ctx.reply(card(ctx.t('campaign.list_title'), [md(lines.join('\n'))]));
  },
});
