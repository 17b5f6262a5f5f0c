/** Why: the application dialog as an explicit state machine: pure steps and transitions, persisted by the flow. */
import { cut } from '../../cards/markdown.ts';
import { evaluate, nextQuestion, validateOpenedOn, INSTITUTION_TYPES, UNIT_KINDS, type EligibilityAnswers, type QuestionId, type Verdict } from '../../domain/eligibility.ts';
import { parseUserDate, type LocalDate } from '../../domain/dates.ts';

/** Bump when the persisted shape changes; older sessions are restarted with a note instead of misread. */
export const APPLY_STATE_VERSION = 1;

export type ApplyStep =
  | { kind: 'question'; q: QuestionId }
  | { kind: 'verdict' }
  | { kind: 'special_explain' }
  | { kind: 'unit_name' }
  | { kind: 'bank' }
  | { kind: 'region' }
  | { kind: 'tier' }
  | { kind: 'checklist' };

export interface ApplyState {
  v: number;
  campaignId: number;
  step: ApplyStep;
  answers: EligibilityAnswers;
  /** Set when 中银协 approved a special case: the unit may apply despite the failed clauses. */
  specialCaseId?: number;
  unit: { name?: string; bankId?: number; regionId?: number };
  applicationId?: number;
}

export function initialState(campaignId: number): ApplyState {
  return { v: APPLY_STATE_VERSION, campaignId, step: { kind: 'question', q: 'institution' }, answers: {}, unit: {} };
}

/** A problem with what the user answered: a prompt key (apply.*) with its parameters. */
export interface InputProblem {
  key: string;
  params?: Record<string, string | number>;
}

const YES = ['是', '是的', '有', '对', '1', 'y', 'yes', '√', '有的', '已批准', '批准'];
const NO = ['否', '不是', '没有', '无', '不', '2', 'n', 'no', '×', '未批准'];

export function parseBoolean(text: string): boolean | null {
  const t = text.trim().toLowerCase().replace(/[。.!！]$/, '');
  if (YES.includes(t)) return true;
  if (NO.includes(t)) return false;
  return null;
}

/** A choice by its 1-based number, its id, or one of its labels (labels come from prompts). */
export function parseChoice<T extends string>(text: string, choices: readonly T[], labels: Record<T, string[]>): T | null {
  const t = text.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (/^\d{1,2}$/.test(t)) return choices[Number(t) - 1] ?? null;
  const hit = choices.find((c) => c === t || labels[c].some((l) => l === t || (l.length >= 2 && t.includes(l))));
  return hit ?? null;
}

export type ChoiceLabels = { institution: Record<(typeof INSTITUTION_TYPES)[number], string[]>; kind: Record<(typeof UNIT_KINDS)[number], string[]> };

/**
 * Applies an answer to the current question. Returns the next state, or the problem to explain.
 * `raw` is the button value or the user's text; dates accept 2023-05-01, 2023年5月1日, 2023/5/1.
 */
export function answer(state: ApplyState, q: QuestionId, raw: string, o: { today: LocalDate; labels: ChoiceLabels }): { state: ApplyState } | { problem: InputProblem } {
  if (state.step.kind !== 'question' || state.step.q !== q) return { problem: { key: 'apply.not_this_step' } };
  const answers: EligibilityAnswers = { ...state.answers };
  if (q === 'institution') {
    const v = parseChoice(raw, INSTITUTION_TYPES, o.labels.institution);
    if (!v) return { problem: { key: 'apply.reprompt_choice', params: { n: INSTITUTION_TYPES.length } } };
    answers.institution = v;
  } else if (q === 'kind') {
    const v = parseChoice(raw, UNIT_KINDS, o.labels.kind);
    if (!v) return { problem: { key: 'apply.reprompt_choice', params: { n: UNIT_KINDS.length } } };
    answers.kind = v;
  } else if (q === 'licensed' || q === 'premises') {
    const v = parseBoolean(raw);
    if (v === null) return { problem: { key: 'apply.reprompt_boolean' } };
    answers[q] = v;
  } else {
    const d = parseUserDate(raw.replace(/\s*[+-]\d{4}$/, '').slice(0, 40));
    if (!d.ok) return { problem: { key: d.reason === 'impossible' ? 'apply.date_impossible' : 'apply.date_format', params: { input: cut(raw, 20) } } };
    const p = validateOpenedOn(d.date, o.today);
    if (p) return { problem: { key: 'apply.date_future', params: { date: d.date, today: o.today } } };
    answers.openedOn = d.date;
  }
  const next = nextQuestion(answers);
  return { state: { ...state, answers, step: next ? { kind: 'question', q: next } : { kind: 'verdict' } } };
}

export function verdictOf(state: ApplyState, o: { deadline: LocalDate; today: LocalDate }): Verdict {
  return evaluate(state.answers, o);
}

/** Whether the unit may go on to the application: eligible, or approved by 中银协 as a special case. */
export function mayApply(state: ApplyState, o: { deadline: LocalDate; today: LocalDate }): boolean {
  return state.specialCaseId !== undefined || verdictOf(state, o).status === 'eligible';
}

/** Question number (1-based) and how many questions there can be, for "第 2 步，共 5 步". */
export function questionNumber(q: QuestionId): { no: number; of: number } {
  const order: QuestionId[] = ['institution', 'licensed', 'premises', 'kind', 'openedOn'];
  return { no: order.indexOf(q) + 1, of: order.length };
}
