/** Why: `/score submit <任务>` (/提交评分) and the card's submit button: closes a check and posts the result to the region's group. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { idFrom, kindLabel, ownInspection, tierLabel, type BaseCtx, plain } from './inspection-shared.ts';
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
 * Submits an inspection once (a second submit changes nothing), then posts the application's combined result card
 * to the region's bound group and to the branch manager. Dedupe keys make a redelivered event post nothing twice.
 */
export async function submitInspection(ctx: BaseCtx, id: number): Promise<Submitted> {
  const own = await ownInspection(ctx, id);
  if (!own.ok) return own;
  const { ins, candidate, rubric } = own;
  const mine = scoreSheet(rubric, ins.deductions);
  const summary = { total: mine.total, passed: mine.passed, deductions: mine.deductions.length, kind: ins.kind };
  if (!(await ctx.services.inspections.submit(ctx.userId, id, summary))) return { ok: false, text: ctx.t('score.already_submitted', { id }) };

  const result = await ctx.services.results.result(ins.applicationId);
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
  if (candidate.region.chatId) {
    await ctx.sendToChat(candidate.region.chatId, card, `result:${id}:group`);
    where.push(ctx.t('score.posted_group', { region: plain(candidate.region.name, 20) }));
  }
  if (candidate.managerOpenId) {
    await ctx.sendToUser(candidate.managerOpenId, card, `result:${id}:manager`);
    where.push(ctx.t('score.posted_manager'));
  }
  const text = ctx.t('score.submitted', {
    id,
    total: formatPoints(mine.total),
    max: formatPoints(mine.max),
    verdict: ctx.t(mine.passed ? 'results.pass' : 'results.fail'),
    where: where.join('、') || ctx.t('score.posted_nowhere'),
  });
  const cardText = ctx.t('score.submitted_card', { id, total: formatPoints(mine.total), max: formatPoints(mine.max), verdict: ctx.t(mine.passed ? 'results.pass' : 'results.fail') });
  return { ok: true, text, cardText };
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
