/** Why: 第十一条 is the gate for every application, so its table of cases is pinned down case by case. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asLocalDate, localDateSchema } from '../../src/domain/dates.ts';
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

const cases = z
  .array(caseSchema)
  .parse(JSON.parse(readFileSync(new URL('../fixtures/domain/eligibility-cases.json', import.meta.url), 'utf8')));

describe('evaluate (fixture table)', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = evaluate(c.answers, { deadline: c.deadline, today: c.today });
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
    ['licensed → premises', { institution: 'member_branch', licensed: true }, 'premises'],
    ['not licensed skips premises', { institution: 'member_branch', licensed: false }, 'kind'],
    ['premises answered → kind', { institution: 'member_branch', licensed: true, premises: false }, 'kind'],
    ['kind answered → openedOn', { institution: 'member_branch', licensed: true, premises: true, kind: 'other' }, 'openedOn'],
    ['all answered → done', { institution: 'member_branch', licensed: true, premises: true, kind: 'single_point', openedOn: d }, null],
    ['not licensed, all else answered → done', { institution: 'non_member', licensed: false, kind: 'other', openedOn: d }, null],
    ['answered out of order: earliest gap first', { institution: 'member_branch', kind: 'other', openedOn: d }, 'licensed'],
  ];
  it.each(table)('%s', (_name, answers, expected) => {
    expect(nextQuestion(answers)).toBe(expected);
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
    for (let q = nextQuestion(answers); q !== null; q = nextQuestion(answers)) {
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
    const run = () => evaluate(answers, { deadline: asLocalDate('2026-03-01'), today });
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
