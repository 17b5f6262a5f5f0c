/** Why: the inspector's cards: the assignment notice and the score form, one module per card (a form per module, inputs named). */
import type { Messages } from '../prompts/index.ts';
import type { Rubric, RubricModule, CheckKind } from '../domain/rubric.ts';
import { modulesFor } from '../domain/rubric.ts';
import { formatPoints, scoreSheet, type Deduction } from '../domain/scoring.ts';
import { button, buttonRow, card, hr, md } from './common.ts';
import { clip } from './markdown.ts';

export interface ScoreCardInput {
  inspectionId: number;
  /** Already escaped for markdown (candidateLabel). */
  candidate: string;
  kind: CheckKind;
  kindName: string;
  rubric: Rubric;
  drafts: Deduction[];
  /** Index into the modules this kind of check scores. */
  moduleIndex: number;
}

/** Form field names: `p<i>` for the points of the module's i-th item, `r<i>` for its reason. */
export const pointsField = (i: number) => `p${i}`;
export const reasonField = (i: number) => `r${i}`;

/** Sent to the inspector when a check is assigned; its button opens the score form. */
export function assignmentCard(m: Messages, a: { inspectionId: number; candidate: string; kindName: string; kind: CheckKind; rubricName: string }) {
  const elements: unknown[] = [md(m.t('inspection.assigned_body', { id: a.inspectionId, candidate: a.candidate, kind: a.kindName, rubric: a.rubricName }))];
  if (a.kind === 'mystery') elements.push(md(m.t('inspection.mystery_note')));
  elements.push(md(m.t('inspection.assigned_how', { id: a.inspectionId })));
  elements.push(buttonRow([button(m.t('inspection.start_button'), { a: 'score.open', id: a.inspectionId, m: 0 }, 'primary_filled')]));
  return card(m.t('inspection.assigned_title', { id: a.inspectionId }), elements, 'blue');
}

/** The modules a check of this kind scores, in rubric order. */
export function scoredModules(rubric: Rubric, kind: CheckKind): RubricModule[] {
  return modulesFor(rubric, kind);
}

/** One module's score form, with the drafts filled in; navigation and the final submit sit below the form. */
export function scoreCard(m: Messages, s: ScoreCardInput) {
  const modules = scoredModules(s.rubric, s.kind);
  const index = Math.min(Math.max(0, s.moduleIndex), modules.length - 1);
  const mod = modules[index]!;
  const draftOf = new Map(s.drafts.map((d) => [d.itemId, d]));
  const sheet = scoreSheet(s.rubric, s.drafts);
  const deductedHere = sheet.modules.find((x) => x.id === mod.id)?.deducted ?? 0;
  const step = formatPoints(s.rubric.scoring.step);

  const fields: unknown[] = [];
  const sections = new Map((mod.sections ?? []).map((x) => [x.id, x]));
  let lastSection: string | undefined;
  mod.items.forEach((item, i) => {
    if (item.section && item.section !== lastSection) {
      const sec = sections.get(item.section);
      if (sec) fields.push(md(m.t('score.section_head', { id: sec.id, name: sec.name, points: formatPoints(sec.points) })));
      lastSection = item.section;
    }
    const draft = draftOf.get(item.id);
    const pts: Record<string, unknown> = {
      tag: 'input',
      name: pointsField(i),
      label: { tag: 'plain_text', content: m.t('score.item_label', { id: item.id, name: item.name, max: formatPoints(item.max) }) },
      label_position: 'top',
      placeholder: { tag: 'plain_text', content: m.t('score.points_placeholder', { max: formatPoints(item.max), step }) },
      max_length: 6,
    };
    if (draft) pts.default_value = formatPoints(draft.points);
    const why: Record<string, unknown> = {
      tag: 'input',
      name: reasonField(i),
      placeholder: { tag: 'plain_text', content: clip(m.t('score.reason_placeholder', { reasons: item.reasons.join('；') }), 100) },
      max_length: 200,
    };
    if (draft) why.default_value = draft.reason;
    fields.push(pts, why);
  });
  const last = index === modules.length - 1;
  fields.push(
    buttonRow([
      { ...button(m.t('score.save_button'), { a: 'score.save', id: s.inspectionId, m: index, go: 'stay' }, 'default'), name: 'save', form_action_type: 'submit' },
      ...(last ? [] : [{ ...button(m.t('score.save_next_button'), { a: 'score.save', id: s.inspectionId, m: index, go: 'next' }, 'primary'), name: 'save_next', form_action_type: 'submit' }]),
    ]),
  );

  const nav: Record<string, unknown>[] = [];
  if (index > 0) nav.push(button(m.t('score.prev_button'), { a: 'score.open', id: s.inspectionId, m: index - 1 }));
  if (!last) nav.push(button(m.t('score.next_button'), { a: 'score.open', id: s.inspectionId, m: index + 1 }));
  nav.push(button(m.t('score.submit_button'), { a: 'score.submit', id: s.inspectionId }, 'danger_filled', { title: m.t('score.submit_confirm_title'), text: m.t('score.submit_confirm_text', { total: formatPoints(sheet.total), max: formatPoints(sheet.max) }) }));

  return card(
    m.t('score.card_title', { id: s.inspectionId, module: `${mod.id} ${mod.name}` }),
    [
      md(m.t('score.card_head', { candidate: s.candidate, kind: s.kindName, index: index + 1, count: modules.length })),
      md(m.t('score.card_totals', { points: formatPoints(mod.points), deducted: formatPoints(deductedHere), total: formatPoints(sheet.total), max: formatPoints(sheet.max) })),
      md(m.t('score.card_hint', { step, id: s.inspectionId })),
      { tag: 'form', name: `module_${index}`, elements: fields },
      hr(),
      buttonRow(nav),
    ],
    'blue',
    m.t('score.card_subtitle', { rubric: s.rubric.name }),
  );
}

/** What the score card turns into once submitted: no inputs left. */
export function submittedCard(m: Messages, id: number, body: string) {
  return card(m.t('score.submitted_title', { id }), [md(body)], 'green');
}
