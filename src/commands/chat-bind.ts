/**
 * Why: `/chat bind <region>` (/绑定群), run in a group: makes it the region's channel for announcements, reminders and
 * results. Who may bind (and never take a group from another region) is decided in src/domain/chat-binding.ts.
 */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { userText } from '../cards/markdown.ts';
import { decideBind } from '../domain/chat-binding.ts';
import { cleanName } from '../domain/names.ts';

export const args = z
  .array(z.string())
  .min(1, 'args.region_required')
  .transform((w) => ({ region: cleanName(w.join(' ')) }));

export const chatBind = defineCommand({
  name: 'chat bind',
  triggers: ['/chat bind', '/绑定群'],
  summaryKey: 'commands.chat_bind',
  roles: ['secretariat', 'regional_admin'],
  args,
  async handle(ctx, a) {
    const { directory, campaigns, participation } = ctx.services;
    const region = await directory.regionByName(a.region);
    if (!region) {
      await ctx.reply(ctx.t('quota.unknown_region', { region: userText(a.region, 30), known: (await directory.regions()).map((r) => r.name).join('、') || ctx.t('quota.none') }));
      return;
    }
    const current = await campaigns.current();
    const r = await ctx.deps.atomic.run(async (w) => {
      const fresh = await w.tx.region.findUniqueOrThrow({ where: { id: region.id } });
      const other = await w.tx.region.findFirst({ where: { chatId: ctx.msg.chatId, id: { not: region.id } } });
      const d = decideBind(await w.actor(ctx.userId), {
        chatType: ctx.msg.chatType,
        chatId: ctx.msg.chatId,
        region: { id: fresh.id, name: fresh.name, chatId: fresh.chatId },
        boundTo: other ? { id: other.id, name: other.name } : null,
        regionTerminated: current ? await participation.terminationOf(w.tx, current.id, 'region', fresh.id) : null,
      });
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: 'chat.bind', target: `region:${region.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed') return d;
      for (const e of d.effects) {
        await w.tx.region.update({ where: { id: e.regionId }, data: { chatId: null } });
        await w.audit(ctx.userId, 'chat.unbind', `region:${e.regionId}`, { chatId: ctx.msg.chatId }, { chatId: null });
      }
      await w.tx.region.update({ where: { id: fresh.id }, data: { chatId: ctx.msg.chatId } });
      await w.audit(ctx.userId, d.action, `region:${fresh.id}`, { chatId: d.from }, { chatId: d.to });
      const text = ctx.t('bind.done', { region: userText(fresh.name, 30) }) + (d.effects[0] ? '\n' + ctx.t('bind.moved', { from: userText(d.effects[0].regionName, 30) }) : '');
      await w.send(ctx.replyOutbound(text));
      return d;
    });
    if (r.kind === 'refused') await ctx.reply(ctx.refusalText(r.refusal));
    else if (r.kind === 'noop') await ctx.reply(ctx.t('bind.already', { region: userText(region.name, 30) }));
  },
});
