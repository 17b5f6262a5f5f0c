/** Why: `/score [任务] [项目 扣分 原因]` (/评分): lists an inspector's checks, opens the score form, or saves one deduction by text. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { candidateLabel, idFrom, kindLabel, ownInspection, problemText, plain, saveDraftChecked } from './inspection-shared.ts';
import { checkDeduction, formatPoints, parsePoints, scoreSheet } from '../domain/scoring.ts';
import { findItem } from '../domain/rubric.ts';
import { scoreCard, scoredModules } from '../cards/inspection.ts';
import { userText } from '../cards/markdown.ts';

export const args = z.array(z.string()).transform((w, ctx) => {
  if (!w.length) return { mode: 'list' as const };
  const id = idFrom(w[0]);
  if (id === null) {
    ctx.addIssue({ code: 'custom', message: 'args.inspection_id' });
    return z.NEVER;
  }
  if (w.length === 1) return { mode: 'card' as const, id };
  if (w.length === 2) {
    ctx.addIssue({ code: 'custom', message: 'args.score_points_missing' });
    return z.NEVER;
  }
  return { mode: 'set' as const, id, item: w[1]!, points: w[2]!, reason: cut(w.slice(3).join(' ').trim(), 200) };
});

export const score = defineCommand({
  name: 'score',
  triggers: ['/score', '/评分'],
  summaryKey: 'commands.score',
  roles: ['inspector'],
  args,
  async handle(ctx, a) {
    const { inspections } = ctx.services;
    if (a.mode === 'list') {
      const open = await inspections.openFor(ctx.userId);
      if (!open.length) {
        await ctx.reply(ctx.t('score.none_open'));
        return;
      }
      const lines: string[] = [];
      for (const ins of open) {
        const c = await inspections.candidate(ins.applicationId);
        lines.push(ctx.t('score.list_line', { id: ins.id, candidate: c ? candidateLabel(ctx, c) : `#${ins.applicationId}`, kind: kindLabel(ctx, ins.kind), drafts: ins.deductions.length }));
      }
      await ctx.reply(ctx.t('score.list', { lines: lines.join('\n') }));
      return;
    }
    const own = await ownInspection(ctx, a.id);
    if (!own.ok) {
      await ctx.reply(own.text);
      return;
    }
    const { ins, candidate, rubric } = own;
    if (a.mode === 'card') {
      await ctx.reply(scoreCard(ctx.deps.messages, { inspectionId: ins.id, candidate: candidateLabel(ctx, candidate, userText), kind: ins.kind, kindName: kindLabel(ctx, ins.kind), rubric, drafts: ins.deductions, moduleIndex: 0 }));
      return;
    }
    const itemId = a.item.replace(/^[#＃]/, '');
    const points = parsePoints(a.points);
    const problem =
      points === null
        ? { code: 'not_a_number' as const, itemId, input: a.points }
        : checkDeduction(rubric, { itemId, points, reason: a.reason }, ins.kind);
    if (problem) {
      const hit = findItem(rubric, itemId);
      const hint = hit ? '\n' + ctx.t('score.reasons_hint', { reasons: hit.item.reasons.join('；') }) : '\n' + ctx.t('score.items_hint', { modules: scoredModules(rubric, ins.kind).map((m) => `${m.id} ${m.name}`).join('、') });
      await ctx.reply(ctx.t('score.refused', { problem: problemText(ctx, rubric, problem) }) + hint);
      return;
    }
    const refused = await saveDraftChecked(ctx, ins.id, [{ itemId, points: points!, reason: a.reason }]);
    if (refused) {
      await ctx.reply(refused);
      return;
    }
    const after = (await inspections.get(ins.id))!;
    const sheet = scoreSheet(rubric, after.deductions);
    const item = findItem(rubric, itemId)!.item;
    await ctx.reply(
      ctx.t(points === 0 ? 'score.cleared' : 'score.saved', {
        id: ins.id, item: `${item.id} ${item.name}`, points: formatPoints(points!), max: formatPoints(item.max), reason: plain(a.reason, 200),
        total: formatPoints(sheet.total), full: formatPoints(sheet.max),
      }),
    );
  },
});
