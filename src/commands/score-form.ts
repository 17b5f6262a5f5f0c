/** Why: the score form's buttons: open a module, save a module's deductions as a draft (all or nothing), and submit the check. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { candidateLabel, kindLabel, ownInspection, problemText, saveDraftChecked } from './inspection-shared.ts';
import { submitInspection } from './score-submit.ts';
import { checkDeduction, parsePoints, type Deduction, type DeductionProblem } from '../domain/scoring.ts';
import { pointsField, reasonField, scoreCard, scoredModules, submittedCard } from '../cards/inspection.ts';
import type { CardContext, CardResponse } from '../pipeline/context.ts';
import type { Owned } from './inspection-shared.ts';
import { userText } from '../cards/markdown.ts';

const id = z.coerce.number().int().positive();
const moduleIndex = z.coerce.number().int().min(0).max(50);

export const openValue = z.object({ a: z.literal('score.open'), id, m: moduleIndex });
export const saveValue = z.object({ a: z.literal('score.save'), id, m: moduleIndex, go: z.enum(['stay', 'next']).default('stay') });
export const submitValue = z.object({ a: z.literal('score.submit'), id });

function formCard(ctx: CardContext, own: Extract<Owned, { ok: true }>, drafts: Deduction[], index: number) {
  const { ins, candidate, rubric } = own;
  return scoreCard(ctx.deps.messages, { inspectionId: ins.id, candidate: candidateLabel(ctx, candidate, userText), kind: ins.kind, kindName: kindLabel(ctx, ins.kind), rubric, drafts, moduleIndex: index });
}

export const scoreOpen = defineCardAction({
  action: 'score.open',
  value: openValue,
  async handle(ctx, v): Promise<CardResponse> {
    const own = await ownInspection(ctx, v.id);
    if (!own.ok) return ctx.toast('warning', own.text);
    return { card: { type: 'raw', data: formCard(ctx, own, own.ins.deductions, v.m) } };
  },
});

/** Reads the module's fields from form_value: an empty points field means no deduction. */
export function readModule(own: Extract<Owned, { ok: true }>, index: number, form: Record<string, unknown>): { entries: Deduction[]; problems: DeductionProblem[] } {
  const mod = scoredModules(own.rubric, own.ins.kind)[index];
  const entries: Deduction[] = [];
  const problems: DeductionProblem[] = [];
  if (!mod) return { entries, problems };
  mod.items.forEach((item, i) => {
    const raw = String(form[pointsField(i)] ?? '').trim();
    const reason = cut(String(form[reasonField(i)] ?? '').trim(), 200);
    if (!raw) {
      entries.push({ itemId: item.id, points: 0, reason: '' });
      return;
    }
    const points = parsePoints(raw);
    const problem = points === null ? { code: 'not_a_number' as const, itemId: item.id, input: raw } : checkDeduction(own.rubric, { itemId: item.id, points, reason }, own.ins.kind);
    if (problem) problems.push(problem);
    else entries.push({ itemId: item.id, points: points!, reason: points === 0 ? '' : reason });
  });
  return { entries, problems };
}

export const scoreSave = defineCardAction({
  action: 'score.save',
  value: saveValue,
  async handle(ctx, v): Promise<CardResponse> {
    const own = await ownInspection(ctx, v.id);
    if (!own.ok) return ctx.toast('warning', own.text);
    const { entries, problems } = readModule(own, v.m, ctx.action.formValue ?? {});
    if (problems.length) {
      // Nothing is saved and the card is left as it is, so the inspector keeps what they typed and fixes the field.
      const shown = problems.slice(0, 3).map((p) => problemText(ctx, own.rubric, p));
      return ctx.toast('error', ctx.t('score.form_refused', { problems: shown.join('；'), n: problems.length }));
    }
    const refused = await saveDraftChecked(ctx, v.id, entries);
    if (refused) return ctx.toast('warning', refused);
    const drafts = (await ctx.services.inspections.get(v.id))!.deductions;
    const count = scoredModules(own.rubric, own.ins.kind).length;
    const next = v.go === 'next' ? Math.min(v.m + 1, count - 1) : v.m;
    return ctx.toast('success', ctx.t('score.form_saved', { n: entries.filter((e) => e.points > 0).length }), formCard(ctx, own, drafts, next));
  },
});

export const scoreSubmitButton = defineCardAction({
  action: 'score.submit',
  value: submitValue,
  async handle(ctx, v): Promise<CardResponse> {
    const r = await submitInspection(ctx, v.id);
    if (!r.ok) return ctx.toast('warning', r.text);
    return ctx.toast('success', ctx.t('score.submitted_toast'), submittedCard(ctx.deps.messages, v.id, r.cardText));
  },
});
