/** Why: `/chat bind <region>` (/绑定群), run in a group: makes it the region's channel for announcements, reminders and results. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { userText } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .min(1, 'args.region_required')
  .transform((w) => ({ region: w.join(' ').trim() }));

export const chatBind = defineCommand({
  name: 'chat bind',
  triggers: ['/chat bind', '/绑定群'],
  summaryKey: 'commands.chat_bind',
  roles: ['secretariat', 'regional_admin'],
  args,
  async handle(ctx, a) {
    if (ctx.msg.chatType !== 'group') {
      await ctx.reply(ctx.t('bind.group_only'));
      return;
    }
    const { directory, roles } = ctx.services;
    const region = await directory.regionByName(a.region);
    if (!region) {
      await ctx.reply(ctx.t('quota.unknown_region', { region: userText(a.region, 30), known: (await directory.regions()).map((r) => r.name).join('、') || ctx.t('quota.none') }));
      return;
    }
    const scope = await roles.regionScope(ctx.userId);
    if (scope !== 'all' && !scope.includes(region.id)) {
      await ctx.reply(ctx.t('bind.out_of_scope', { region: userText(region.name, 30) }));
      return;
    }
    if (region.chatId === ctx.msg.chatId) {
      await ctx.reply(ctx.t('bind.already', { region: userText(region.name, 30) }));
      return;
    }
    const { movedFrom } = await directory.bindChat(ctx.userId, region.id, ctx.msg.chatId);
    await ctx.reply(ctx.t('bind.done', { region: userText(region.name, 30) }) + (movedFrom ? '\n' + ctx.t('bind.moved', { from: userText(movedFrom, 30) }) : ''));
  },
});
