/** Why: 第十一条 is the gate for every application, so its table of cases is pinned down case by case. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asLocalDate, localDateSchema } from '../../src/domain/dates.ts';
import { EligibilityDataError, institutionClasses, loadEligibilityData } from '../../src/domain/eligibility-data.ts';
import {
  EligibilityInputError,
  QUESTIONS,
  QUESTION_IDS,
  eligibilityAnswersSchema,
  evaluate,
  nextQuestion,
  validateOpenedOn,
  type EligibilityAnswers,
  type QuestionId,
} from '../../src/domain/eligibility.ts';

const caseSchema = z.strictObject({
  name: z.string(),
  answers: eligibilityAnswersSchema,
  deadline: localDateSchema,
  today: localDateSchema,
  expect: z.strictObject({
    status: z.enum(['eligible', 'ineligible', 'incomplete']),
    failedClauses: z.array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])),
    codes: z.array(z.string()).optional(),
    eligibleFrom: localDateSchema.optional(),
  }),
});

const DATA_TEXT = readFileSync(new URL('../../prompts/zh-CN/eligibility.yaml', import.meta.url), 'utf8');
const classes = institutionClasses(loadEligibilityData(DATA_TEXT, 'prompts/zh-CN/eligibility.yaml'));

const cases = z
  .array(caseSchema)
  .parse(JSON.parse(readFileSync(new URL('../fixtures/domain/eligibility-cases.json', import.meta.url), 'utf8')));

describe('evaluate (fixture table)', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = evaluate(c.answers, { deadline: c.deadline, today: c.today, institutions: classes });
    expect(v.status).toBe(c.expect.status);
    expect(v.failures.map((f) => f.clause)).toEqual(c.expect.failedClauses);
    if (c.expect.codes !== undefined) expect(v.failures.map((f) => f.code)).toEqual(c.expect.codes);
    const clause4 = v.failures.find((f) => f.clause === 4);
    expect(clause4?.eligibleFrom).toBe(c.expect.eligibleFrom);
    expect(v.specialCaseAllowed).toBe(c.expect.status === 'ineligible');
    if (c.answers.openedOn !== undefined) expect(v.anniversary).toBeDefined();
    else expect(v.anniversary).toBeUndefined();
  });
});

describe('nextQuestion', () => {
  const d = asLocalDate('2020-01-01');
  const table: Array<[string, EligibilityAnswers, QuestionId | null]> = [
    ['nothing answered → clause 1', {}, 'institution'],
    ['member → licensed', { institution: 'member_branch' }, 'licensed'],
    ['non-member still continues', { institution: 'non_member' }, 'licensed'],
    ['trust stops at once', { institution: 'trust' }, null],
    ['leasing stops at once', { institution: 'leasing' }, null],
    ['finance company stops at once', { institution: 'finance_company' }, null],
    ['another non-bank institution stops at once', { institution: 'other_non_bank' }, null],
    ['licensed → premises', { institution: 'member_branch', licensed: true }, 'premises'],
    ['not licensed skips premises', { institution: 'member_branch', licensed: false }, 'kind'],
    ['premises answered → kind', { institution: 'member_branch', licensed: true, premises: false }, 'kind'],
    ['kind answered → openedOn', { institution: 'member_branch', licensed: true, premises: true, kind: 'other' }, 'openedOn'],
    ['all answered → done', { institution: 'member_branch', licensed: true, premises: true, kind: 'single_point', openedOn: d }, null],
    ['not licensed, all else answered → done', { institution: 'non_member', licensed: false, kind: 'other', openedOn: d }, null],
    ['answered out of order: earliest gap first', { institution: 'member_branch', kind: 'other', openedOn: d }, 'licensed'],
  ];
  it.each(table)('%s', (_name, answers, expected) => {
    expect(nextQuestion(answers, classes)).toBe(expected);
  });

  it('walks a full conversation in clause order', () => {
    const script: Record<QuestionId, EligibilityAnswers[QuestionId]> = {
      institution: 'member_branch',
      licensed: true,
      premises: true,
      kind: 'comprehensive_subbranch',
      openedOn: d,
    };
    const answers: Record<string, unknown> = {};
    const asked: QuestionId[] = [];
    for (let q = nextQuestion(answers, classes); q !== null; q = nextQuestion(answers, classes)) {
      asked.push(q);
      answers[q] = script[q];
    }
    expect(asked).toEqual([...QUESTION_IDS]);
    expect(QUESTIONS.map((q) => q.id)).toEqual([...QUESTION_IDS]);
  });
});

describe('validateOpenedOn', () => {
  const today = asLocalDate('2025-10-01');
  it.each([
    ['2025-10-01', null],
    ['2010-01-01', null],
    ['2025-10-02', 'opened_on_in_future'],
    ['2025-02-29', 'opened_on_invalid'],
    ['2025/10/01', 'opened_on_invalid'],
  ] as const)('%s → %s', (input, code) => {
    expect(validateOpenedOn(input, today)?.code ?? null).toBe(code);
  });

  it('evaluate refuses a future opening date with a typed error instead of a verdict', () => {
    const answers = { institution: 'member_branch', openedOn: asLocalDate('2026-01-01') } as const;
    const run = () => evaluate(answers, { deadline: asLocalDate('2026-03-01'), today, institutions: classes });
    expect(run).toThrow(EligibilityInputError);
    expect(run).toThrow(/validateOpenedOn/);
  });
});

describe('eligibilityAnswersSchema', () => {
  it('rejects unknown keys and impossible dates in stored answers', () => {
    expect(eligibilityAnswersSchema.safeParse({ institution: 'member_branch', foo: 1 }).success).toBe(false);
    expect(eligibilityAnswersSchema.safeParse({ openedOn: '2023-02-29' }).success).toBe(false);
    expect(eligibilityAnswersSchema.safeParse({ institution: 'trust', openedOn: '2023-02-28' }).success).toBe(true);
  });
});

describe('the institution types are data (prompts/zh-CN/eligibility.yaml)', () => {
  it('a type added to the file as excluded fails clause 1 at once, with its id in the failure', () => {
    const more = new Map([...classes, ['pawnshop', 'excluded' as const]]);
    const v = evaluate({ institution: 'pawnshop' }, { deadline: asLocalDate('2026-03-01'), today: asLocalDate('2026-01-01'), institutions: more });
    expect(v).toMatchObject({ status: 'ineligible', failures: [{ clause: 1, code: 'institution_excluded', institution: 'pawnshop' }] });
    expect(nextQuestion({ institution: 'pawnshop' }, more)).toBeNull();
  });

  it('a stored id the file no longer has is a typed error naming the file, never a guess', () => {
    const run = () => evaluate({ institution: 'savings_club' }, { deadline: asLocalDate('2026-03-01'), today: asLocalDate('2026-01-01'), institutions: classes });
    expect(run).toThrow(EligibilityInputError);
    expect(run).toThrow(/savings_club.*eligibility\.yaml/);
  });

  it('clause4.minYears moves the anniversary', () => {
    const v = evaluate({ institution: 'member_branch', licensed: true, premises: true, kind: 'single_point', openedOn: asLocalDate('2023-03-01') }, { deadline: asLocalDate('2026-03-01'), today: asLocalDate('2026-01-01'), institutions: classes, minYears: 3 });
    expect(v.anniversary).toBe('2026-03-01');
    expect(v.status).toBe('eligible');
  });

  it.each<[string, (t: string) => string, string]>([
    ['an excluded type without a reason', (t) => t.replace(/\n    reason: 信托公司[^\n]*/, ''), 'institutions[1].reason: an excluded type needs the reason'],
    ['a duplicate id', (t) => t.replace('id: leasing', 'id: trust'), 'institutions[2].id: duplicate id "trust"'],
    ['an unknown class', (t) => t.replace('class: non_member', 'class: outsider'), 'institutions[5].class'],
    ['a clause-4 milestone that does not exist', (t) => t.replace('measuredAt: apply_deadline', 'measuredAt: opening_day'), 'clause4.measuredAt'],
    ['no member type', (t) => t.replace('class: member\n', 'class: non_member\n'), 'institutions: one type must have class: member'],
  ])('refuses %s, naming the file and key', (_name, edit, expected) => {
    const load = () => loadEligibilityData(edit(DATA_TEXT), 'prompts/zh-CN/eligibility.yaml');
    expect(load).toThrow(EligibilityDataError);
    expect(load).toThrow(`prompts/zh-CN/eligibility.yaml: ${expected}`);
  });
});
