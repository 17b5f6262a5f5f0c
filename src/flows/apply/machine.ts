/** Why: the application dialog as an explicit state machine: pure steps and transitions, persisted by the flow. */
import { cut, userText } from '../../cards/markdown.ts';
import { evaluate, nextQuestion, validateOpenedOn, type EligibilityAnswers, type QuestionId, type UnitKind, type Verdict } from '../../domain/eligibility.ts';
import { institutionClasses, type EligibilityData } from '../../domain/eligibility-data.ts';
import { interpretBoolean, interpretChoice, type Reading } from '../../domain/answer-text.ts';
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
  /** 'special': the unit details are being asked for a special-case request (bound to that unit), not an application. */
  purpose?: 'special';
}

export function initialState(campaignId: number): ApplyState {
  return { v: APPLY_STATE_VERSION, campaignId, step: { kind: 'question', q: 'institution' }, answers: {}, unit: {} };
}

/** A problem with what the user answered: a prompt key (apply.*) with its parameters. */
export interface InputProblem {
  key: string;
  params?: Record<string, string | number>;
  /** For a choice question: the choices to offer again as buttons carrying their words (all when empty). */
  offer?: string[];
}

/** Clause-1 precedence when a reply names two types: 信托公司的网点 is a trust company, 非会员单位的支行 a non-member. */
const CLASS_RANK = { excluded: 2, non_member: 1, member: 0 } as const;

/** The reading of a choice reply: a button's id as is, otherwise the words (src/domain/answer-text.ts). */
export function readChoice(raw: string, q: 'institution' | 'kind', data: EligibilityData): Reading<string> {
  const choices = q === 'institution' ? data.institutions : data.kinds;
  const id = raw.trim();
  if (choices.some((c) => c.id === id)) return { kind: 'choice', id };
  if (q === 'kind') return interpretChoice(raw, data.kinds, data.answers);
  const cls = new Map(data.institutions.map((t) => [t.id, t.class]));
  return interpretChoice(raw, data.institutions, data.answers, (a, b) => CLASS_RANK[cls.get(a)!] > CLASS_RANK[cls.get(b)!]);
}

/**
 * Applies an answer to the current question. Returns the next state, or the problem to explain.
 * `raw` is the button value or the user's text; dates accept 2023-05-01, 2023年5月1日, 2023/5/1.
 */
export function answer(state: ApplyState, q: QuestionId, raw: string, o: { today: LocalDate; data: EligibilityData }): { state: ApplyState } | { problem: InputProblem } {
  if (state.step.kind !== 'question' || state.step.q !== q) return { problem: { key: 'apply.not_this_step' } };
  const answers: EligibilityAnswers = { ...state.answers };
  if (q === 'institution' || q === 'kind') {
    const r = readChoice(raw, q, o.data);
    // Shown on the question card (markdown), so the echoed reply is escaped.
    if (r.kind === 'unknown') return { problem: { key: 'apply.reprompt_choice', params: { input: userText(raw.trim(), 20) }, offer: [] } };
    if (r.kind === 'ambiguous') return { problem: { key: 'apply.ambiguous_choice', params: { input: userText(raw.trim(), 20) }, offer: r.candidates.length >= 2 ? r.candidates : [] } };
    if (q === 'institution') answers.institution = r.id;
    else answers.kind = r.id as UnitKind;
  } else if (q === 'licensed' || q === 'premises') {
    const v = interpretBoolean(raw, o.data.answers);
    if (v === null) return { problem: { key: 'apply.reprompt_boolean' } };
    answers[q] = v;
  } else {
    const d = parseUserDate(raw.replace(/\s*[+-]\d{4}$/, '').slice(0, 40));
    if (!d.ok) return { problem: { key: d.reason === 'impossible' ? 'apply.date_impossible' : 'apply.date_format', params: { input: cut(raw, 20) } } };
    const p = validateOpenedOn(d.date, o.today);
    if (p) return { problem: { key: 'apply.date_future', params: { date: d.date, today: o.today } } };
    answers.openedOn = d.date;
  }
  const next = nextQuestion(answers, institutionClasses(o.data));
  return { state: { ...state, answers, step: next ? { kind: 'question', q: next } : { kind: 'verdict' } } };
}

/** What `evaluate` needs besides the answers: the day clause 4 is measured at, today, and the data file's readings. */
export interface VerdictOptions {
  deadline: LocalDate;
  today: LocalDate;
  data: EligibilityData;
}

export function verdictOf(state: ApplyState, o: VerdictOptions): Verdict {
  return evaluate(state.answers, { deadline: o.deadline, today: o.today, institutions: institutionClasses(o.data), minYears: o.data.clause4.minYears });
}

/** Whether the unit may go on to the application: eligible, or approved by 中银协 as a special case. */
export function mayApply(state: ApplyState, o: VerdictOptions): boolean {
  return state.specialCaseId !== undefined || verdictOf(state, o).status === 'eligible';
}

/** Question number (1-based) and how many questions there can be, for "第 2 步，共 5 步". */
export function questionNumber(q: QuestionId): { no: number; of: number } {
  const order: QuestionId[] = ['institution', 'licensed', 'premises', 'kind', 'openedOn'];
  return { no: order.indexOf(q) + 1, of: order.length };
}
