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

/**
 * The card a reviewer decides on. Its buttons carry only the application id and the decision: the stage, tier, bank
 * and region are read from the database when it is clicked. At the member stage a 百佳 candidate is qualified
 * (资格审定, 第九条（三）) and any other is filed (报备, 第九条（二）).
 */
export function reviewCard(m: Messages, stage: ReviewStage, a: ApplicationView, tierName: string, p: Progress, qualify = a.tier === 'bai') {
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
  const decide = (d: 'approve' | 'reject') => ({ a: 'review.decide', app: a.id, d });
  const form =
    stage === 'member'
      ? decisionForm(`member_${a.id}`, m.t('review.reason_label'), [
          { label: m.t(qualify ? 'review.approve_member' : 'review.file_member'), value: decide('approve'), type: 'primary_filled' },
          { label: m.t(qualify ? 'review.reject_member' : 'review.not_file_member'), value: decide('reject'), type: 'danger' },
        ])
      : decisionForm(`region_${a.id}`, m.t('review.reason_label'), [
          { label: m.t('review.recommend'), value: decide('approve'), type: 'primary_filled' },
          { label: m.t('review.reject_region'), value: decide('reject'), type: 'danger' },
        ]);
  return card(reviewTitle(m, stage, a.unit.name, qualify), [body, form], 'wathet');
}

export function reviewTitle(m: Messages, stage: ReviewStage, unit: string, qualify: boolean): string {
  const key = stage === 'region' ? 'review.region_title' : qualify ? 'review.member_title' : 'review.filing_title';
  return m.t(key, { unit: userText(unit, 40) });
}

/** The card once decided: no buttons left, the decision and who made it. */
export function decidedCard(m: Messages, title: string, text: string, ok: boolean) {
  return card(title, [md(text)], ok ? 'green' : 'grey');
}

/** The secretariat's decision card; `unit` names the unit (and its bank and region) an approval will be bound to. */
export function specialCaseCard(m: Messages, sc: SpecialCaseView, unit?: { bank: string; region: string }) {
  // A failure filed since the exclusion list became data carries its reason as the manager saw it.
  const failures = sc.failures.map((f) => m.t('verdict.failure_line', { item: itemNo(m, f.clause), reason: (f as { reason?: string }).reason ?? m.t(`verdict.reasons.${f.code}`), fix: '' })).join('\n');
  return card(m.t('special.card_title', { id: sc.id }), [
    ...(unit ? [md(m.t('special.card_unit', { unit: userText(sc.unitName, 60), bank: userText(unit.bank, 40), region: userText(unit.region, 30) }))] : []),
    md(m.t('special.card_body', { manager: sc.managerOpenId, explanation: userText(sc.explanation ?? '', 500), failures })),
    md(m.t('special.written_note')),
    decisionForm(`special_${sc.id}`, m.t('special.reason_label'), [
      { label: m.t('special.approve'), value: { a: 'special.decide', id: sc.id, d: 'approve' }, type: 'primary_filled' },
      { label: m.t('special.deny'), value: { a: 'special.decide', id: sc.id, d: 'deny' }, type: 'danger' },
    ]),
  ], 'orange');
}
