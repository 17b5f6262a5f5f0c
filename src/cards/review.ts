/** Why: decision cards for reviewers: member-unit qualification review, regional preselection, and 中银协's special-case decision. */
import type { Messages } from '../prompts/index.ts';
import type { ApplicationView } from '../store/applications.ts';
import type { SpecialCaseView } from '../store/special-cases.ts';
import type { Progress } from '../domain/checklist.ts';
import { buttonRow, card, itemNo, md } from './common.ts';
import { userText } from './markdown.ts';

export type ReviewStage = 'member' | 'region';

/** A form: the reason input and two submit buttons, each carrying its decision in its callback value. */
function decisionForm(name: string, reasonLabel: string, buttons: Array<{ label: string; value: Record<string, unknown>; type: 'primary_filled' | 'danger' }>) {
  return {
    tag: 'form',
    name,
    elements: [
      { tag: 'input', name: 'reason', placeholder: { tag: 'plain_text', content: reasonLabel }, max_length: 200 },
      buttonRow(
        buttons.map((b, i) => ({
          tag: 'button',
          name: `${name}_${i}`,
          text: { tag: 'plain_text', content: b.label },
          type: b.type,
          form_action_type: 'submit',
          behaviors: [{ type: 'callback', value: b.value }],
        })),
      ),
    ],
  };
}

export function reviewCard(m: Messages, stage: ReviewStage, a: ApplicationView, tierName: string, p: Progress) {
  const body = md(
    m.t('review.body', {
      unit: userText(a.unit.name, 60),
      bank: userText(a.unit.bank, 40),
      region: userText(a.unit.region, 30),
      tier: tierName,
      verdict: m.t(a.verdict === 'special_approved' ? 'review.verdict_special' : 'review.verdict_ok'),
      done: p.done,
      total: p.total,
    }),
  );
  const form =
    stage === 'member'
      ? decisionForm(`member_${a.id}`, m.t('review.reason_label'), [
          { label: m.t('review.approve_member'), value: { a: 'review.decide', stage, app: a.id, d: 'approve' }, type: 'primary_filled' },
          { label: m.t('review.reject_member'), value: { a: 'review.decide', stage, app: a.id, d: 'reject' }, type: 'danger' },
        ])
      : decisionForm(`region_${a.id}`, m.t('review.reason_label'), [
          { label: m.t('review.recommend'), value: { a: 'review.decide', stage, app: a.id, d: 'approve' }, type: 'primary_filled' },
          { label: m.t('review.reject_region'), value: { a: 'review.decide', stage, app: a.id, d: 'reject' }, type: 'danger' },
        ]);
  return card(m.t(stage === 'member' ? 'review.member_title' : 'review.region_title', { unit: userText(a.unit.name, 40) }), [body, form], 'wathet');
}

/** The card once decided: no buttons left, the decision and who made it. */
export function decidedCard(m: Messages, title: string, text: string, ok: boolean) {
  return card(title, [md(text)], ok ? 'green' : 'grey');
}

export function specialCaseCard(m: Messages, sc: SpecialCaseView) {
  // A failure filed since the exclusion list became data carries its reason as the manager saw it.
  const failures = sc.failures.map((f) => m.t('verdict.failure_line', { item: itemNo(m, f.clause), reason: (f as { reason?: string }).reason ?? m.t(`verdict.reasons.${f.code}`), fix: '' })).join('\n');
  return card(m.t('special.card_title', { id: sc.id }), [
    md(m.t('special.card_body', { manager: sc.managerOpenId, explanation: userText(sc.explanation ?? '', 500), failures })),
    md(m.t('special.written_note')),
    decisionForm(`special_${sc.id}`, m.t('special.reason_label'), [
      { label: m.t('special.approve'), value: { a: 'special.decide', id: sc.id, d: 'approve' }, type: 'primary_filled' },
      { label: m.t('special.deny'), value: { a: 'special.decide', id: sc.id, d: 'deny' }, type: 'danger' },
    ]),
  ], 'orange');
}
