/**
 * Why: 中银协's secretariat approves or denies a special-case request by card (第十一条 last paragraph), in one
 * transaction with the manager's notice; the approval is for the unit the request named, and is used once.
 */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { button, buttonRow, card, md } from '../cards/common.ts';
import { decidedCard } from '../cards/review.ts';
import { userText } from '../cards/markdown.ts';
import { APPLY_STATE_VERSION } from '../flows/apply/machine.ts';
import { toUser } from '../pipeline/context.ts';
import { decideSpecial, type SpecialCaseStatus } from '../domain/special-case.ts';

export const value = z.object({ a: z.literal('special.decide'), id: z.coerce.number().int().positive(), d: z.enum(['approve', 'deny']) });

export const specialDecide = defineCardAction({
  action: 'special.decide',
  value,
  async handle(ctx, v) {
    const reason = cut(String(ctx.action.formValue?.reason ?? '').trim(), 200);
    const approve = v.d === 'approve';
    const r = await ctx.deps.atomic.run(async (w) => {
      const sc = await w.tx.specialCase.findUnique({ where: { id: v.id } });
      if (!sc) return null;
      const d = decideSpecial(await w.actor(ctx.userId), { status: sc.status as SpecialCaseStatus }, { approve, reason });
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: 'special_case.decide', target: `special_case:${sc.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed') return d;
      const res = await w.tx.specialCase.updateMany({ where: { id: sc.id, status: 'PENDING' }, data: { status: d.to, decidedBy: ctx.userId, reason: reason || null, decidedAt: w.now } });
      if (res.count !== 1) return { kind: 'noop' as const, state: d.to };
      await w.audit(ctx.userId, d.action, `special_case:${sc.id}`, { status: 'PENDING' }, { status: d.to, reason: reason || null });
      const unit = userText(sc.unitName, 60);
      const notice = approve
        ? card(ctx.t('special.card_title', { id: sc.id }), [md(ctx.t('special.approved_unit', { id: sc.id, unit })), buttonRow([button(ctx.t('verdict.start_button'), { a: 'special.begin', id: sc.id }, 'primary_filled')])], 'green')
        : ctx.t('special.denied_manager', { id: sc.id, reason: userText(reason, 200) });
      await w.send(toUser(sc.managerOpenId, notice, `special:outcome:${sc.id}`));
      return d;
    });
    if (!r) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    const title = ctx.t('special.card_title', { id: v.id });
    if (r.kind === 'refused') return ctx.toast(r.refusal.code === 'reason_required' ? 'warning' : 'error', ctx.refusalText(r.refusal));
    if (r.kind === 'noop') return ctx.toast('info', ctx.t('special.already'), decidedCard(ctx.deps.messages, title, ctx.t('special.already'), true));
    const word = ctx.t(approve ? 'special.approved_word' : 'special.denied_word');
    return ctx.toast('success', ctx.t('review.toast_ok'), decidedCard(ctx.deps.messages, title, ctx.t('special.decided', { decision: word, by: ctx.userId }) + (reason ? ctx.t('notify.reason', { reason: userText(reason, 200) }) : ''), approve));
  },
});

export const beginValue = z.object({ a: z.literal('special.begin'), id: z.coerce.number().int().positive() });

/**
 * The manager, once approved, goes on with the unit the request named (its name, bank and region are taken from the
 * request, not asked again); whether the approval may still be used is checked when the application is opened.
 */
export const specialBegin = defineCardAction({
  action: 'special.begin',
  value: beginValue,
  async handle(ctx, v) {
    const sc = await ctx.services.apply.app.specialCases.get(v.id);
    if (!sc || sc.managerOpenId !== ctx.userId) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    if (sc.status !== 'APPROVED') {
      const refusal = sc.status === 'USED' ? { code: 'special_case_used' } : { code: 'state', needStates: ['APPROVED'], params: { state: sc.status } };
      await ctx.refused('special_case.begin', `special_case:${sc.id}`, refusal);
      return ctx.toast('warning', ctx.refusalText(refusal));
    }
    const bound = sc.bankId !== null && sc.regionId !== null;
    const flow = ctx.services.apply.flow;
    const s = await flow.sessions.start(ctx.userId, {
      v: APPLY_STATE_VERSION, campaignId: sc.campaignId, answers: sc.answers as never, specialCaseId: sc.id,
      step: bound ? { kind: 'tier' } : { kind: 'unit_name' },
      unit: bound ? { name: sc.unitName, bankId: sc.bankId!, regionId: sc.regionId! } : {},
    });
    await ctx.sendToUser(ctx.userId, await flow.render(ctx, s), `special:begin:${sc.id}:${s.version}`);
    return ctx.toast('success', ctx.t('review.toast_ok'));
  },
});
