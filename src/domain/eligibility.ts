/** Why: 管理办法 第十一条 decides who may apply; the chat flow asks only what the verdict still needs and cites every failed clause. */

import { z } from 'zod';
import { addYears, compareDates, isValidDate, localDateSchema, type LocalDate } from './dates.ts';
import { UNIT_KINDS, type InstitutionClasses, type UnitKind } from './eligibility-data.ts';

export { UNIT_KINDS, type UnitKind, type InstitutionClass, type InstitutionClasses } from './eligibility-data.ts';

/**
 * Clause 1: an institution type id from prompts/zh-CN/eligibility.yaml. Its class (member / excluded / non_member)
 * comes with the options, so "信托公司、租赁公司、财务公司等暂不在此列" stays data, open to "等".
 */
export type InstitutionType = string;

/** Stable question ids, persisted with the conversation; never rename. Listed in clause order. */
export const QUESTION_IDS = ['institution', 'licensed', 'premises', 'kind', 'openedOn'] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

export type Clause = 1 | 2 | 3 | 4;

export type Question =
  | { id: 'institution'; clause: 1; answer: 'choice' }
  | { id: 'licensed'; clause: 2; answer: 'boolean' }
  | { id: 'premises'; clause: 2; answer: 'boolean' }
  | { id: 'kind'; clause: 3; answer: 'choice'; choices: readonly UnitKind[] }
  | { id: 'openedOn'; clause: 4; answer: 'date' };

/** What each question expects, so the chat layer can render buttons or a date prompt from prompts/. */
export const QUESTIONS: readonly Question[] = [
  { id: 'institution', clause: 1, answer: 'choice' },
  { id: 'licensed', clause: 2, answer: 'boolean' },
  { id: 'premises', clause: 2, answer: 'boolean' },
  { id: 'kind', clause: 3, answer: 'choice', choices: UNIT_KINDS },
  { id: 'openedOn', clause: 4, answer: 'date' },
];

export interface EligibilityAnswers {
  institution?: InstitutionType;
  /** Clause 2a: approved by a banking regulator to conduct financial business (金融许可证). */
  licensed?: boolean;
  /** Clause 2b: has independent premises (独立经营场所). */
  premises?: boolean;
  kind?: UnitKind;
  /** Clause 4: the ORIGINAL opening date; a change of address or name does not restart the count. */
  openedOn?: LocalDate;
}

/** Validates answers read back from storage (unknown keys are rejected so a renamed id is noticed). */
export const eligibilityAnswersSchema = z
  .object({
    institution: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(),
    licensed: z.boolean().optional(),
    premises: z.boolean().optional(),
    kind: z.enum(UNIT_KINDS).optional(),
    openedOn: localDateSchema.optional(),
  })
  .strict();

/** 第十一条第（四）项 "开业2年以上"; the data file's clause4.minYears is passed in, this is the text's number. */
export const MIN_YEARS_OPEN = 2;

export type FailureCode =
  | 'institution_excluded'
  | 'institution_not_member'
  | 'not_licensed'
  | 'no_independent_premises'
  | 'kind_not_eligible'
  | 'opened_under_two_years';

export interface Failure {
  clause: Clause;
  code: FailureCode;
  /** Only for clause 1: the institution type id (its label and reason are in the data file). */
  institution?: string;
  /** Only for clause 4: the first deadline the unit would meet (its 2-year anniversary). */
  eligibleFrom?: LocalDate;
}

export type VerdictStatus = 'eligible' | 'ineligible' | 'incomplete';

export interface Verdict {
  status: VerdictStatus;
  /** Every failure known so far, in clause order (also filled while `incomplete`). */
  failures: Failure[];
  /** addYears(openedOn, 2), when the opening date is known. */
  anniversary?: LocalDate;
  /** Whether the manager may ask 中银协 in writing to accept the unit as a special case. */
  specialCaseAllowed: boolean;
}

export interface EvaluateOptions {
  /** The day clause 4 is measured at (the round's 申报截止 by default, see eligibility.yaml clause4.measuredAt), a whole day. */
  deadline: LocalDate;
  /** Today's civil date in the round's time zone, used to reject a future opening date. */
  today: LocalDate;
  /** Each institution type id's clause-1 class, from the data file. */
  institutions: InstitutionClasses;
  /** Years open that clause 4 asks for (default 2, 开业2年以上). */
  minYears?: number;
}

export type OpenedOnProblem =
  | { code: 'opened_on_invalid'; openedOn: string }
  | { code: 'opened_on_in_future'; openedOn: LocalDate; today: LocalDate }
  | { code: 'institution_unknown'; institution: string };

/** Thrown by `evaluate` when an answer is not a fact that can be judged; validate answers as they are given. */
export class EligibilityInputError extends Error {
  override readonly name = 'EligibilityInputError';
  constructor(readonly problem: OpenedOnProblem) {
    super(
      problem.code === 'institution_unknown'
        ? `institution "${problem.institution}" is not in prompts/zh-CN/eligibility.yaml: restore that id there (stored answers refer to it).`
        : problem.code === 'opened_on_in_future'
          ? `openedOn ${problem.openedOn} is after today (${problem.today}): ask for the date the unit first opened, ` +
            'and check validateOpenedOn() before storing the answer.'
          : `openedOn ${JSON.stringify(problem.openedOn)} is not a YYYY-MM-DD date: parse it with parseUserDate() first.`,
    );
  }
}

/** A future opening date is an input error to re-ask, not a verdict. Returns null when the date is acceptable. */
export function validateOpenedOn(date: string, today: LocalDate): OpenedOnProblem | null {
  if (!isValidDate(date)) return { code: 'opened_on_invalid', openedOn: date };
  if (compareDates(date, today) > 0) return { code: 'opened_on_in_future', openedOn: date, today };
  return null;
}

/** The clause-1 class of a type id; an id missing from the data is a typed error, never a guess. */
export function institutionClass(t: InstitutionType, classes: InstitutionClasses) {
  const c = classes.get(t);
  if (c === undefined) throw new EligibilityInputError({ code: 'institution_unknown', institution: t });
  return c;
}

/**
 * The next question the verdict still needs, in clause order, or null when nothing more is needed.
 * - An excluded type (trust / leasing / finance company) decides the verdict at once.
 * - A non-member still goes through all four clauses, so a special-case request can cite every failure.
 * - When `licensed` is false, clause 2 has already failed and `premises` is not asked.
 */
export function nextQuestion(answers: EligibilityAnswers, classes: InstitutionClasses): QuestionId | null {
  if (answers.institution === undefined) return 'institution';
  if (institutionClass(answers.institution, classes) === 'excluded') return null;
  if (answers.licensed === undefined) return 'licensed';
  if (answers.licensed && answers.premises === undefined) return 'premises';
  if (answers.kind === undefined) return 'kind';
  if (answers.openedOn === undefined) return 'openedOn';
  return null;
}

/** The date on which a unit opened on `openedOn` has been open 2 years; see the reading in `evaluate`. */
export function twoYearAnniversary(openedOn: LocalDate, years = MIN_YEARS_OPEN): LocalDate {
  return addYears(openedOn, years);
}

/**
 * Judges 第十一条 from the answers given so far.
 *
 * Clause 4, "开业2年以上", is read with the 民法典:
 * - 第二百零一条: the opening day itself is not counted; the period runs from the next day.
 * - 第二百零二条: a period in years ends on the corresponding day of the final year, or on that month's last day
 *   when there is no such day. Counting from the day after opening, 2 years therefore end on the anniversary date
 *   itself (opened 2023-03-02 → counting from 03-03 → last day 2025-03-02; opened 2024-02-29 → 2026-02-28), and
 *   第二百零三条 puts the end of that last day at 24:00. Its holiday extension (a last day falling on a 法定休假日
 *   moves to the next working day) is NOT applied: it protects someone who must act within a period, whereas here
 *   the period is a state (being open) and extending it would only delay eligibility.
 * - 第一千二百五十九条: "以上" includes the number itself, so exactly 2 years qualifies.
 * The deadline is a whole day too, so the unit qualifies iff anniversary <= deadline; otherwise it qualifies from
 * the anniversary (a deadline one day early gives eligibleFrom = deadline + 1).
 *
 * Special cases: the closing paragraph says "原则上，申报单位须同时具备上述四个条件。特殊情况须书面报经中银协审查认可
 * 方能申报". The exception qualifies the whole four-condition rule, and the clause-1 exclusion is itself one of those
 * conditions ("暂不在此列" is provisional), so the bot does not pre-empt 中银协's review: a special case may be
 * requested for ANY failure, including excluded institution types and non-members. It is offered only once the
 * verdict is `ineligible` (never while `incomplete`, and there is nothing to request when `eligible`).
 */
export function evaluate(answers: EligibilityAnswers, options: EvaluateOptions): Verdict {
  const failures: Failure[] = [];
  let anniversary: LocalDate | undefined;

  const { institution, licensed, premises, kind, openedOn } = answers;
  const cls = institution === undefined ? undefined : institutionClass(institution, options.institutions);
  if (institution !== undefined && cls !== 'member') {
    failures.push({ clause: 1, code: cls === 'non_member' ? 'institution_not_member' : 'institution_excluded', institution });
  }
  if (licensed === false) failures.push({ clause: 2, code: 'not_licensed' });
  // Not asked once `licensed` is false, but a stored "no" is still a fact worth citing.
  if (premises === false) failures.push({ clause: 2, code: 'no_independent_premises' });
  if (kind === 'other') failures.push({ clause: 3, code: 'kind_not_eligible' });
  if (openedOn !== undefined) {
    const problem = validateOpenedOn(openedOn, options.today);
    if (problem !== null) throw new EligibilityInputError(problem);
    anniversary = twoYearAnniversary(openedOn, options.minYears);
    if (compareDates(anniversary, options.deadline) > 0) {
      failures.push({ clause: 4, code: 'opened_under_two_years', eligibleFrom: anniversary });
    }
  }

  let status: VerdictStatus;
  if (cls === 'excluded') status = 'ineligible';
  else if (nextQuestion(answers, options.institutions) !== null) status = 'incomplete';
  else status = failures.length > 0 ? 'ineligible' : 'eligible';

  const verdict: Verdict = { status, failures, specialCaseAllowed: status === 'ineligible' };
  if (anniversary !== undefined) verdict.anniversary = anniversary;
  return verdict;
}
