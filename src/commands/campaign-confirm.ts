/** Why: the confirmation card's buttons: open or close a campaign exactly once, however often the button is clicked. */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { TransitionError } from '../store/campaigns.ts';
import { tierName } from '../store/cycle.ts';
import { announcementCard, closedNoticeCard, settledCard } from '../cards/campaign.ts';
import { userText } from '../cards/markdown.ts';
import type { CardContext } from '../pipeline/context.ts';

export const value = z.object({
  a: z.literal('campaign.confirm'),
  op: z.enum(['open', 'cancel_open', 'close', 'cancel_close']),
  id: z.coerce.number().int().positive(),
});

/** Posts a card to every region's bound group; the dedupe key makes a repeat a no-op. */
async function postToAllGroups(ctx: CardContext, key: string, body: Record<string, unknown>): Promise<number> {
  const regions = await ctx.services.directory.regions();
  let n = 0;
  for (const r of regions) {
    if (!r.chatId) continue;
    await ctx.sendToChat(r.chatId, body, `${key}:region:${r.id}`);
    n++;
  }
  return n;
}

export const campaignConfirm = defineCardAction({
  action: 'campaign.confirm',
  value,
  async handle(ctx, v) {
    const m = ctx.deps.messages;
    if (!(await ctx.services.roles.has(ctx.userId, 'secretariat'))) {
      return ctx.toast('error', ctx.t('errors.forbidden', { command: ctx.t('campaign.confirm_action'), roles: ctx.t('roles.secretariat') }));
    }
    const { campaigns, cycle } = ctx.services;
    const c = await campaigns.get(v.id);
    if (!c) return ctx.toast('warning', ctx.t('campaign.gone'), settledCard(m, ctx.t('campaign.gone_title'), ctx.t('campaign.gone'), 'grey'));
    const name = userText(c.name, 60);

    if (v.op === 'cancel_open') {
      await campaigns.discardDraft(ctx.userId, c.id);
      return ctx.toast('info', ctx.t('campaign.cancelled'), settledCard(m, ctx.t('campaign.cancelled_title'), ctx.t('campaign.cancelled_body', { name }), 'grey'));
    }
    if (v.op === 'cancel_close') {
      return ctx.toast('info', ctx.t('campaign.close_cancelled'), settledCard(m, ctx.t('campaign.close_cancelled'), ctx.t('campaign.still_open', { name }), 'grey'));
    }
    if (v.op === 'open') {
      let moved: boolean;
      try {
        moved = await campaigns.move(ctx.userId, c.id, 'DRAFT', 'OPEN');
      } catch (err) {
        if (err instanceof TransitionError && err.reason === 'conflict') return ctx.toast('error', ctx.t('campaign.already_open', { name: '', cycle: c.cycle }));
        throw err;
      }
      const opened = (await campaigns.get(c.id))!;
      const done = settledCard(m, ctx.t('campaign.opened_title'), ctx.t('campaign.opened_body', { name }), 'green');
      if (!moved) return ctx.toast('info', ctx.t('campaign.already_done', { status: ctx.t(`status.${opened.status}`) }), done);
      const groups = await postToAllGroups(ctx, `announce:${c.id}`, announcementCard(m, opened, (id) => tierName(cycle, id)));
      return ctx.toast('success', ctx.t('campaign.opened_toast', { groups }), done);
    }
    const moved = await campaigns.move(ctx.userId, c.id, 'OPEN', 'CLOSED').catch((err) => {
      if (err instanceof TransitionError) return false;
      throw err;
    });
    const now = (await campaigns.get(c.id))!;
    const done = settledCard(m, ctx.t('campaign.closed_title', { name }), ctx.t('campaign.closed_body'), 'grey');
    if (!moved) return ctx.toast('info', ctx.t('campaign.already_done', { status: ctx.t(`status.${now.status}`) }), done);
    const groups = await postToAllGroups(ctx, `closed:${c.id}`, closedNoticeCard(m, now));
    return ctx.toast('success', ctx.t('campaign.closed_toast', { groups }), done);
  },
});
