/** Why: the cards of the application dialog: one per question, the verdict, unit details, and the checklist progress card. */
import type { Messages } from '../../prompts/index.ts';
import type { Failure, QuestionId, Verdict } from '../../domain/eligibility.ts';
import type { EligibilityData } from '../../domain/eligibility-data.ts';
import type { Checklist, ChecklistState } from '../../domain/checklist.ts';
import { progress } from '../../domain/checklist.ts';
import { button, buttonRow, card, hr, itemNo, md } from '../../cards/common.ts';
import { userText } from '../../cards/markdown.ts';
import type { LocalDate } from '../../domain/dates.ts';
import { questionNumber } from './machine.ts';

/**
 * One eligibility question. Choice buttons carry the choice's words (a number alone says nothing); typed numbers still
 * work from the numbered list. `reask` draws the card again after a reply that could not be read: a line saying so,
 * and only the choices that fit it when there are several (`offer`), all of them otherwise.
 * Callback values carry the session version (`sv`) the card was drawn at, so a stale click is recognised.
 */
export function questionCard(m: Messages, data: EligibilityData, q: QuestionId, sv: number, reask?: { text: string; offer: readonly string[] }) {
  const { no, of } = questionNumber(q);
  const elements: unknown[] = [md(m.t('apply.step', { no, of }))];
  if (reask) elements.push(md(reask.text));
  elements.push(md(m.t(`apply.q_${q}`)));
  const answerBtn = (label: string, v: string, type: 'default' | 'primary' = 'default') => button(label, { a: 'apply.answer', q, v, sv }, type);
  if (q === 'institution' || q === 'kind') {
    const all: ReadonlyArray<{ id: string; label: string; short: string }> = q === 'institution' ? data.institutions : data.kinds;
    const shown = reask?.offer.length ? all.filter((c) => reask.offer.includes(c.id)) : all;
    elements.push(md(shown.map((c) => m.t('apply.choice_line', { no: all.indexOf(c) + 1, label: c.label })).join('\n')));
    elements.push(buttonRow(shown.map((c) => answerBtn(c.short, c.id, 'primary'))));
  } else if (q === 'licensed' || q === 'premises') {
    elements.push(buttonRow([answerBtn(m.t('apply.yes'), '是', 'primary'), answerBtn(m.t('apply.no'), '否')]));
  } else {
    elements.push({ tag: 'date_picker', placeholder: { tag: 'plain_text', content: m.t('apply.date_placeholder') }, behaviors: [{ type: 'callback', value: { a: 'apply.answer', q, sv } }] });
  }
  elements.push(hr(), buttonRow([button(m.t('apply.cancel_button'), { a: 'apply.cancel', sv }, 'text')]));
  return card(m.t('apply.title'), elements, 'blue');
}

/** The reason line of one failed clause: clause 1's excluded types take their reason from the data file. */
export function failureReason(m: Messages, data: EligibilityData, f: Failure): string {
  if (f.code === 'institution_excluded') {
    const t = data.institutions.find((x) => x.id === f.institution);
    return t?.reason ?? m.t('verdict.reasons.institution_excluded', { label: t?.label ?? f.institution ?? '' });
  }
  return m.t(`verdict.reasons.${f.code}`);
}

export function verdictCard(m: Messages, data: EligibilityData, v: Verdict, measuredAt: { name: string; date: LocalDate }, sv: number) {
  const ok = v.status === 'eligible';
  const elements: unknown[] = [md(m.t('verdict.deadline', { milestone: measuredAt.name, deadline: measuredAt.date }))];
  if (ok) elements.push(md(m.t('verdict.ok_body')));
  else {
    const lines = v.failures.map((f) =>
      m.t('verdict.failure_line', {
        item: itemNo(m, f.clause),
        reason: failureReason(m, data, f),
        fix: f.eligibleFrom && m.has(`verdict.fixes.${f.code}`) ? m.t(`verdict.fixes.${f.code}`, { date: f.eligibleFrom }) : '',
      }),
    );
    elements.push(md(`${m.t('verdict.no_body')}\n${lines.join('\n')}`));
  }
  if (v.anniversary) elements.push(md(m.t('verdict.anniversary', { date: v.anniversary })));
  const buttons = [];
  if (ok) buttons.push(button(m.t('verdict.start_button'), { a: 'apply.begin', sv }, 'primary_filled'));
  else if (v.specialCaseAllowed) {
    elements.push(md(m.t('verdict.special_note')));
    buttons.push(button(m.t('verdict.special_button'), { a: 'apply.special', sv }, 'primary'));
  }
  buttons.push(button(m.t('verdict.restart_button'), { a: 'apply.restart' }, 'default'));
  elements.push(buttonRow(buttons));
  return card(m.t(ok ? 'verdict.title_ok' : 'verdict.title_no'), elements, ok ? 'green' : 'orange');
}

/** A pick-one step (bank, region): a select for the list, and text replies also work. */
export function pickCard(m: Messages, field: 'bank' | 'region', options: Array<{ id: number; name: string }>, sv: number) {
  return card(m.t('apply.title'), [
    md(m.t(field === 'bank' ? 'unit.ask_bank' : 'unit.ask_region')),
    {
      tag: 'select_static',
      placeholder: { tag: 'plain_text', content: m.t(field === 'bank' ? 'unit.bank_placeholder' : 'unit.region_placeholder') },
      options: options.slice(0, 100).map((o) => ({ text: { tag: 'plain_text', content: o.name.slice(0, 60) }, value: String(o.id) })),
      behaviors: [{ type: 'callback', value: { a: 'apply.pick', field, sv } }],
    },
    hr(),
    buttonRow([button(m.t('apply.cancel_button'), { a: 'apply.cancel', sv }, 'text')]),
  ]);
}

export function tierCard(m: Messages, tiers: Array<{ id: string; name: string }>, sv: number) {
  return card(m.t('apply.title'), [
    md(m.t('unit.ask_tier')),
    md(m.t('unit.tier_note_bai')),
    buttonRow(tiers.map((t) => button(t.name, { a: 'apply.pick', field: 'tier', v: t.id, sv }, 'primary'))),
  ]);
}

export interface ProgressCardInput {
  appId: number;
  unit: string;
  bank: string;
  region: string;
  tierName: string;
  status: string;
  statusName: string;
  list: Checklist;
  state: ChecklistState;
  /** The 申报截止, once it has passed: a draft can no longer change, and the card says so with the date. */
  closedOn: LocalDate | null;
}

/** The one progress card, patched in place as items are marked. Buttons only while the application is a draft and in time. */
export function progressCard(m: Messages, p: ProgressCardInput) {
  const pr = progress(p.list, p.state);
  const draft = p.status === 'DRAFT';
  const editable = draft && p.closedOn === null;
  const lines = p.list.items.map((item, i) => {
    const s = p.state[item.id];
    return m.t(s?.done ? 'checklist.line_done' : 'checklist.line_todo', {
      no: i + 1,
      title: item.title,
      optional: item.required ? '' : m.t('checklist.optional'),
      note: s?.note ? m.t('checklist.note', { note: userText(s.note, 80) }) : '',
    });
  });
  const elements: unknown[] = [
    md(m.t('checklist.head', { tier: p.tierName, bank: userText(p.bank, 40), region: userText(p.region, 30), status: p.statusName })),
    md(m.t('checklist.progress', { done: pr.done, total: pr.total, requiredDone: pr.requiredDone, requiredTotal: pr.requiredTotal })),
    hr(),
    md(lines.join('\n')),
  ];
  if (draft && p.closedOn !== null) elements.unshift(md(m.t('checklist.deadline_banner', { deadline: p.closedOn })));
  if (editable) {
    const toggles = p.list.items.map((item, i) =>
      p.state[item.id]?.done
        ? button(m.t('checklist.undo_button', { no: i + 1 }), { a: 'apply.item', app: p.appId, item: item.id, done: false }, 'default')
        : button(m.t('checklist.done_button', { no: i + 1 }), { a: 'apply.item', app: p.appId, item: item.id, done: true }, 'primary'),
    );
    elements.push(buttonRow(toggles));
    elements.push(md(m.t('checklist.hint')));
    elements.push(buttonRow([button(m.t('checklist.submit_button'), { a: 'apply.submit', app: p.appId }, pr.complete ? 'primary_filled' : 'default')]));
  }
  return card(m.t('checklist.title', { unit: userText(p.unit, 40) }), elements, editable ? 'blue' : draft ? 'grey' : 'green');
}
