/**
 * Why: reviewers decide by card: a bank's member-unit admin files (报备) every candidate and qualifies 百佳 ones
 * (资格审定), then the regional association recommends (初选, within quota). The card says which application and
 * yes or no; the stage, and so who may decide, come from the database (src/domain/application.ts).
 */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { userText } from '../cards/markdown.ts';
import { decidedCard, reviewTitle } from '../cards/review.ts';
import { reviewDecision } from '../flows/application/moves.ts';
import { stageOf } from '../domain/application.ts';

export const value = z.object({
  a: z.literal('review.decide'),
  app: z.coerce.number().int().positive(),
  d: z.enum(['approve', 'reject']),
  /** Cards sent before this release also name a stage; it is ignored (the database knows the stage). */
  stage: z.string().max(20).optional(),
});

export const reviewDecide = defineCardAction({
  action: 'review.decide',
  value,
  async handle(ctx, v) {
    const reason = cut(String(ctx.action.formValue?.reason ?? '').trim(), 200);
    const r = await reviewDecision(ctx, v.app, v.d === 'approve', reason);
    if ('kind' in r) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    const { decision: d, view: a } = r;
    const svc = ctx.services.apply.app;
    const rules = ctx.services.process.review;
    if (d.kind === 'refused') return ctx.toast(d.refusal.code === 'reason_required' ? 'warning' : 'error', ctx.refusalText(d.refusal));
    const qualify = rules.qualificationTiers.includes(a.tier);
    if (d.kind === 'noop') {
      const text = ctx.t('review.already', { status: svc.statusName(a.status) });
      const stage = stageOf(a.status, a.tier, rules) ?? 'region';
      return ctx.toast('info', text, decidedCard(ctx.deps.messages, reviewTitle(ctx.deps.messages, stage, a.unit.name, qualify), text, a.status !== 'REJECTED' && a.status !== 'DISQUALIFIED' && a.status !== 'NOT_FILED'));
    }
    const stage = d.from === 'SUBMITTED' && (rules.filingTiers.includes(a.tier) || qualify) ? 'member' : 'region';
    const text = ctx.t('review.done', { decision: svc.statusName(d.to), by: ctx.userId, reason: reason ? ctx.t('notify.reason', { reason: userText(reason, 200) }) : '' });
    return ctx.toast('success', ctx.t('review.toast_ok'), decidedCard(ctx.deps.messages, reviewTitle(ctx.deps.messages, stage, a.unit.name, qualify), text, v.d === 'approve'));
  },
});
