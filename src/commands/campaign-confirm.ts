/**
 * Why: the confirmation card's buttons open or close a campaign exactly once, however often they are clicked. The new
 * status, its audit row and the notice to every bound group are one transaction, so a crash mid-fan-out loses nothing.
 */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { tierName } from '../store/cycle.ts';
import { announcementCard, closedNoticeCard, settledCard } from '../cards/campaign.ts';
import { userText } from '../cards/markdown.ts';
import { toChat, type Card } from '../pipeline/context.ts';
import { decideCampaign, type CampaignMove } from '../domain/campaign.ts';
import { isSecretariat } from '../domain/grants.ts';
import type { Work } from '../store/atomic.ts';
import type { CardContext } from '../pipeline/context.ts';
import type { CampaignView } from '../store/campaigns.ts';

export const value = z.object({
  a: z.literal('campaign.confirm'),
  op: z.enum(['open', 'cancel_open', 'close', 'cancel_close']),
  id: z.coerce.number().int().positive(),
});

const MOVE: Record<z.infer<typeof value>['op'], CampaignMove | null> = { open: 'open', cancel_open: 'discard', close: 'close', cancel_close: null };

/** The card for every bound group, each under its own key (a repeat is a no-op), written in the caller's transaction. */
async function toAllGroups(w: Work, key: string, body: Card): Promise<number> {
  const regions = await w.tx.region.findMany({ where: { chatId: { not: null } }, orderBy: { id: 'asc' }, select: { id: true, chatId: true } });
  await w.send(regions.map((r) => toChat(r.chatId!, body, `${key}:region:${r.id}`)));
  return regions.length;
}

export const campaignConfirm = defineCardAction({
  action: 'campaign.confirm',
  value,
  async handle(ctx, v) {
    const m = ctx.deps.messages;
    const { campaigns, cycle } = ctx.services;
    const move = MOVE[v.op];
    const r = await ctx.deps.atomic.run(async (w) => {
      const actor = await w.actor(ctx.userId);
      const c = await campaigns.get(v.id, w.tx);
      if (!move) {
        // 取消关闭 changes nothing, but is still the secretariat's button.
        if (isSecretariat(actor)) return { c, d: { kind: 'noop' as const, state: c?.status ?? 'OPEN' } };
        const d = decideCampaign(actor, { status: c?.status ?? null }, 'close');
        if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: `campaign.${v.op}`, target: `campaign:${v.id}`, refusal: d.refusal });
        return { c, d };
      }
      const d = decideCampaign(actor, { status: c?.status ?? null, openConflict: move === 'open' && c ? await campaigns.openConflict(w.tx, c) : false }, move);
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: `campaign.${v.op}`, target: `campaign:${v.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed' || !c) return { c, d };
      if (!(await campaigns.moveIn(w, ctx.userId, c.id, d))) return { c, d: { kind: 'noop' as const, state: c.status } };
      const after = (await campaigns.get(c.id, w.tx)) ?? c;
      let groups = 0;
      for (const e of d.effects) {
        if (e.kind === 'announce_to_groups') groups = await toAllGroups(w, `announce:${c.id}`, announcementCard(m, after, (id) => tierName(cycle, id)));
        else groups = await toAllGroups(w, `closed:${c.id}`, closedNoticeCard(m, after));
      }
      return { c: after, d, groups };
    });
    return answer(ctx, v.op, r.c, r.d, 'groups' in r ? (r.groups ?? 0) : 0);
  },
});

function answer(ctx: CardContext, op: z.infer<typeof value>['op'], c: CampaignView | null, d: ReturnType<typeof decideCampaign>, groups: number) {
  const m = ctx.deps.messages;
  if (d.kind === 'refused') {
    if (d.refusal.code === 'campaign_missing') return ctx.toast('warning', ctx.t('campaign.gone'), settledCard(m, ctx.t('campaign.gone_title'), ctx.t('campaign.gone'), 'grey'));
    if (d.refusal.code === 'open_conflict') return ctx.toast('error', ctx.t('campaign.already_open', { name: '', cycle: c?.cycle ?? '' }));
    if (d.refusal.code === 'role') return ctx.toast('error', ctx.t('errors.forbidden', { command: ctx.t('campaign.confirm_action'), roles: ctx.t('roles.secretariat') }));
    return ctx.toast('warning', ctx.refusalText(d.refusal));
  }
  if (!c) return ctx.toast('warning', ctx.t('campaign.gone'), settledCard(m, ctx.t('campaign.gone_title'), ctx.t('campaign.gone'), 'grey'));
  const name = userText(c.name, 60);
  if (op === 'cancel_close') return ctx.toast('info', ctx.t('campaign.close_cancelled'), settledCard(m, ctx.t('campaign.close_cancelled'), ctx.t('campaign.still_open', { name }), 'grey'));
  if (op === 'cancel_open') {
    if (d.kind === 'allowed') return ctx.toast('info', ctx.t('campaign.cancelled'), settledCard(m, ctx.t('campaign.cancelled_title'), ctx.t('campaign.cancelled_body', { name }), 'grey'));
    return ctx.toast('info', ctx.t('campaign.already_done', { status: ctx.t(`status.${c.status}`) }));
  }
  const done = op === 'open' ? settledCard(m, ctx.t('campaign.opened_title'), ctx.t('campaign.opened_body', { name }), 'green') : settledCard(m, ctx.t('campaign.closed_title', { name }), ctx.t('campaign.closed_body'), 'grey');
  if (d.kind === 'noop') return ctx.toast('info', ctx.t('campaign.already_done', { status: ctx.t(`status.${c.status}`) }), done);
  return ctx.toast('success', ctx.t(op === 'open' ? 'campaign.opened_toast' : 'campaign.closed_toast', { groups }), done);
}
