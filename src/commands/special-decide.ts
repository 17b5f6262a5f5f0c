/** Why: 中银协's secretariat approves or denies a special-case request by card (第十一条 last paragraph); the manager is told. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { button, buttonRow, card, md } from '../cards/common.ts';
import { decidedCard } from '../cards/review.ts';
import { userText } from '../cards/markdown.ts';
import { APPLY_STATE_VERSION } from '../flows/apply/machine.ts';

export const value = z.object({ a: z.literal('special.decide'), id: z.coerce.number().int().positive(), d: z.enum(['approve', 'deny']) });

export const specialDecide = defineCardAction({
  action: 'special.decide',
  value,
  async handle(ctx, v) {
    if (!(await ctx.services.roles.has(ctx.userId, 'secretariat'))) {
      return ctx.toast('error', ctx.t('errors.forbidden', { command: ctx.t('special.card_title', { id: v.id }), roles: ctx.t('roles.secretariat') }));
    }
    const store = ctx.services.apply.app.specialCases;
    const sc = await store.get(v.id);
    if (!sc) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    const reason = cut(String(ctx.action.formValue?.reason ?? '').trim(), 200);
    if (v.d === 'deny' && !reason) return ctx.toast('warning', ctx.t('special.need_reason'));
    const title = ctx.t('special.card_title', { id: sc.id });
    if (!(await store.decide(ctx.userId, sc.id, v.d === 'approve', reason || null))) {
      return ctx.toast('info', ctx.t('special.already'), decidedCard(ctx.deps.messages, title, ctx.t('special.already'), true));
    }
    if (v.d === 'approve') {
      const notice = card(ctx.t('special.card_title', { id: sc.id }), [
        md(ctx.t('special.approved_manager', { id: sc.id })),
        buttonRow([button(ctx.t('verdict.start_button'), { a: 'special.begin', id: sc.id }, 'primary_filled')]),
      ], 'green');
      await ctx.sendToUser(sc.managerOpenId, notice, `special:outcome:${sc.id}`);
    } else {
      await ctx.sendToUser(sc.managerOpenId, ctx.t('special.denied_manager', { id: sc.id, reason: userText(reason, 200) }), `special:outcome:${sc.id}`);
    }
    const word = ctx.t(v.d === 'approve' ? 'special.approved_word' : 'special.denied_word');
    return ctx.toast('success', ctx.t('review.toast_ok'), decidedCard(ctx.deps.messages, title, ctx.t('special.decided', { decision: word, by: ctx.userId }) + (reason ? ctx.t('notify.reason', { reason: userText(reason, 200) }) : ''), v.d === 'approve'));
  },
});

export const beginValue = z.object({ a: z.literal('special.begin'), id: z.coerce.number().int().positive() });

/** The manager, once approved, goes on to the unit's details with the verdict "special_approved". */
export const specialBegin = defineCardAction({
  action: 'special.begin',
  value: beginValue,
  async handle(ctx, v) {
    const sc = await ctx.services.apply.app.specialCases.get(v.id);
    if (!sc || sc.managerOpenId !== ctx.userId || sc.status !== 'APPROVED') return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    const flow = ctx.services.apply.flow;
    const s = await flow.sessions.start(ctx.userId, { v: APPLY_STATE_VERSION, campaignId: sc.campaignId, step: { kind: 'unit_name' }, answers: sc.answers as never, specialCaseId: sc.id, unit: {} });
    await ctx.sendToUser(ctx.userId, await flow.render(ctx, s), `special:begin:${sc.id}:${s.version}`);
    return ctx.toast('success', ctx.t('review.toast_ok'));
  },
});
