/** Why: `/score submit <任务>` (/提交评分) and the card's submit button: closes a check and posts the result to the region's group. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { idFrom, inspectionDecision, kindLabel, ownInspection, tierLabel, type BaseCtx, plain } from './inspection-shared.ts';
import { toChat, toUser } from '../pipeline/context.ts';
import { formatPoints, scoreSheet } from '../domain/scoring.ts';
import { resultCard } from '../cards/results.ts';
import { userText } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .length(1, 'args.inspection_id')
  .transform((w, ctx) => {
    const id = idFrom(w[0]);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: 'args.inspection_id' });
      return z.NEVER;
    }
    return { id };
  });

export type Submitted = { ok: true; text: string; cardText: string } | { ok: false; text: string };

/**
 * Submits an inspection once (a second submit changes nothing) and posts the application's combined result card to
 * the region's bound group and to the branch manager. The check (role and state read fresh), the new status, its
 * audit row and both posts are one transaction, so a crash leaves all of them or none.
 */
export async function submitInspection(ctx: BaseCtx, id: number): Promise<Submitted> {
  const own = await ownInspection(ctx, id);
  if (!own.ok) return own;
  const { rubric } = own;
  return ctx.deps.atomic.run(async (w): Promise<Submitted> => {
    const got = await inspectionDecision(ctx, w.tx, id, 'submit');
    if (!got) return { ok: false, text: ctx.t('score.not_yours', { id }) };
    if (got.d.kind === 'refused') {
      await w.refused({ actorId: ctx.userId, act: 'inspection.submit', target: `inspection:${id}`, refusal: got.d.refusal });
      return { ok: false, text: ctx.refusalText(got.d.refusal) };
    }
    if (got.d.kind === 'noop') return { ok: false, text: ctx.t('score.already_submitted', { id }) };
    const { ins, candidate } = got;
    const mine = scoreSheet(rubric, ins.deductions);
    const summary = { total: mine.total, passed: mine.passed, deductions: mine.deductions.length, kind: ins.kind };
    if (!(await ctx.services.inspections.submit(ctx.userId, id, summary, w.tx))) return { ok: false, text: ctx.t('score.already_submitted', { id }) };

    const result = await ctx.services.results.result(ins.applicationId, w.tx);
    if (!result) return { ok: false, text: ctx.t('score.already_submitted', { id }) };
    const card = resultCard(ctx.deps.messages, {
      unit: userText(candidate.unit.name, 40),
      region: userText(candidate.region.name, 20),
      bank: userText(candidate.bank.name, 30),
      tier: tierLabel(ctx, candidate.tier),
      sheet: result.sheet,
      checks: result.kinds.map((k) => kindLabel(ctx, k)).join('、'),
      complete: result.complete,
      submitted: ctx.t('results.submitted_what', { kind: kindLabel(ctx, ins.kind), id }),
    });
    const where: string[] = [];
    const out = [];
    if (candidate.region.chatId) {
      out.push(toChat(candidate.region.chatId, card, `result:${id}:group`));
      where.push(ctx.t('score.posted_group', { region: plain(candidate.region.name, 20) }));
    }
    if (candidate.managerOpenId) {
      out.push(toUser(candidate.managerOpenId, card, `result:${id}:manager`));
      where.push(ctx.t('score.posted_manager'));
    }
    await w.send(out);
    const text = ctx.t('score.submitted', {
      id,
      total: formatPoints(mine.total),
      max: formatPoints(mine.max),
      verdict: ctx.t(mine.passed ? 'results.pass' : 'results.fail'),
      where: where.join('、') || ctx.t('score.posted_nowhere'),
    });
    const cardText = ctx.t('score.submitted_card', { id, total: formatPoints(mine.total), max: formatPoints(mine.max), verdict: ctx.t(mine.passed ? 'results.pass' : 'results.fail') });
    return { ok: true, text, cardText };
  });
}

export const scoreSubmit = defineCommand({
  name: 'score submit',
  triggers: ['/score submit', '/提交评分'],
  summaryKey: 'commands.score_submit',
  roles: ['inspector'],
  args,
  async handle(ctx, a) {
    await ctx.reply((await submitInspection(ctx, a.id)).text);
  },
});
