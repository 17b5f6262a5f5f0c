/** Why: totals, pass/fail and the refusal of out-of-range deductions decide who is named, so each rule has a table. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRubric } from '../../src/domain/rubric.ts';
import { checkDeduction, combineChecks, formatPoints, parsePoints, scoreSheet, ScoringError, type Deduction } from '../../src/domain/scoring.ts';
import { TINY } from '../fixtures/domain/rubric-tiny.ts';

const rubric = parseRubric(stringify(TINY), 'tiny.yaml');
const d = (itemId: string, points: number, reason = '原因'): Deduction => ({ itemId, points, reason });

describe('parsePoints', () => {
  it.each<[string, number | null]>([
    ['-2', 2], ['2', 2], ['0', 0], ['0.5', 0.5], ['-0.5', 0.5], ['扣2', 2], ['2分', 2], ['－３', 3], ['２．５', 2.5],
    ['+2', -2], ['＋1', -1], ['abc', null], ['', null], ['2-', null], ['1e3', null],
  ])('%j → %j', (input, expected) => {
    expect(parsePoints(input)).toBe(expected);
  });
});

describe('checkDeduction', () => {
  it.each<[string, Deduction, 'onsite' | 'mystery' | undefined, string | null]>([
    ['within range', d('1.1.1', 2), undefined, null],
    ['exactly the item max', d('1.1.1', 3), undefined, null],
    ['zero needs no reason', d('1.1.1', 0, ''), undefined, null],
    ['a half point', d('1.2.1', 0.5), undefined, null],
    ['above the item max', d('1.1.1', 3.5), undefined, 'above_max'],
    ['below zero', d('1.1.1', -1), undefined, 'below_zero'],
    ['off the step', d('1.2.1', 0.3), undefined, 'off_step'],
    ['an unknown item', d('9.9', 1), undefined, 'unknown_item'],
    ['a deduction without a reason', d('1.1.1', 1, '  '), undefined, 'reason_required'],
    ['a module a mystery visit does not score', d('2.1', 1), 'mystery', 'not_in_check'],
    ['a module a mystery visit scores', d('1.1.2', 1), 'mystery', null],
    ['not a number', d('1.1.1', Number.NaN), undefined, 'not_a_number'],
  ])('%s', (_name, ded, kind, code) => {
    expect(checkDeduction(rubric, ded, kind)?.code ?? null).toBe(code);
  });

  it('says what the maximum is', () => {
    expect(checkDeduction(rubric, d('1.1.1', 5))).toEqual({ code: 'above_max', itemId: '1.1.1', points: 5, max: 3 });
  });
});

describe('scoreSheet', () => {
  it('with no deductions scores full marks and passes', () => {
    const s = scoreSheet(rubric, []);
    expect([s.total, s.max, s.passed, s.majorCount]).toEqual([20, 20, true, 0]);
    expect(s.modules.map((m) => [m.id, m.score, m.deducted])).toEqual([['1', 10, 0], ['2', 10, 0]]);
  });

  it.each<[string, Deduction[], number, boolean, number]>([
    ['small deductions', [d('1.1.1', 1), d('2.1', 2)], 17, true, 0],
    ['exactly at the pass score passes', [d('2.1', 5)], 15, true, 1],
    ['half a point below the pass score fails', [d('2.1', 5), d('1.2.1', 0.5)], 14.5, false, 1],
    ['major = at least half the item max', [d('1.1.1', 1.5), d('1.2.1', 1.5)], 17, true, 1],
    ['everything lost', [d('1.1.1', 3), d('1.1.2', 3), d('1.2.1', 4), d('2.1', 10)], 0, false, 4],
    ['zero entries are ignored', [d('1.1.1', 0, '')], 20, true, 0],
  ])('%s', (_name, deductions, total, passed, major) => {
    const s = scoreSheet(rubric, deductions);
    expect(s.total).toBe(total);
    expect(s.passed).toBe(passed);
    expect(s.majorCount).toBe(major);
    expect(s.modules.reduce((sum, m) => sum + m.score, 0)).toBe(total);
  });

  it('lists deductions largest first, in rubric order on ties, with item names', () => {
    const s = scoreSheet(rubric, [d('2.1', 1, 'b'), d('1.1.2', 2, 'a'), d('1.1.1', 1, 'c')]);
    expect(s.deductions.map((x) => [x.itemId, x.itemName, x.points])).toEqual([['1.1.2', '营业时间牌', 2], ['1.1.1', '门楣标识', 1], ['2.1', '制度', 1]]);
  });

  it('refuses a sheet with any invalid deduction, naming each', () => {
    // Two assertions, the second inside catch: a sheet that no longer throws must fail this test, not pass it.
    expect.assertions(2);
    expect(() => scoreSheet(rubric, [d('1.1.1', 4), d('2.1', -1)])).toThrow(ScoringError);
    try {
      scoreSheet(rubric, [d('1.1.1', 4), d('1.1.1', 1)]);
    } catch (e) {
      expect((e as ScoringError).problems.map((p) => p.code)).toEqual(['above_max', 'duplicate_item']);
    }
  });
});

describe('combineChecks', () => {
  it('keeps the larger deduction where an onsite check and a mystery visit both deduct, and adds the rest', () => {
    const out = combineChecks([
      { kind: 'onsite', deductions: [d('1.1.1', 1, '现场'), d('2.1', 3, '制度')] },
      { kind: 'mystery', deductions: [d('1.1.1', 2, '暗访'), d('1.1.2', 1, '暗访2')] },
    ]);
    expect(out.sort((a, b) => a.itemId.localeCompare(b.itemId))).toEqual([d('1.1.1', 2, '暗访'), d('1.1.2', 1, '暗访2'), d('2.1', 3, '制度')]);
  });
});

it('formatPoints', () => {
  expect([formatPoints(10), formatPoints(9.5), formatPoints(0.25)]).toEqual(['10', '9.5', '0.25']);
});
