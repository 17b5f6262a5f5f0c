/** Why: 差额评选 ranks against a quota; the tie rule (total, major deductions, module 1, submission, id) must hold at every step. */
import { describe, expect, it } from 'vitest';
import { compareCandidates, rankCandidates, RankingError, TIE_RULE, type Candidate } from '../../src/domain/ranking.ts';

const c = (applicationId: number, total: number, o: Partial<Candidate> = {}): Candidate => ({
  applicationId, name: `U${applicationId}`, total, passed: total >= 850, majorDeductions: 0, module1: 90, submittedAt: 1000 + applicationId, ...o,
});

describe('compareCandidates follows TIE_RULE in order', () => {
  it('the order is the rule\'s, not the code\'s: a rule putting module 1 first ranks by it before the total', () => {
    const a = c(1, 900, { module1: 80 });
    const b = c(2, 880, { module1: 88 });
    expect(compareCandidates(a, b)).toMatchObject({ decidedBy: 'total' });
    expect(compareCandidates(a, b).order).toBeLessThan(0);
    const rule = ['module1', ...TIE_RULE.filter((k) => k !== 'module1')] as const;
    expect(compareCandidates(a, b, rule)).toMatchObject({ decidedBy: 'module1' });
    expect(compareCandidates(a, b, rule).order).toBeGreaterThan(0);
    expect(rankCandidates([a, b], 1, rule).map((r) => [r.candidate.applicationId, r.selected, r.decidedBy])).toEqual([[2, true, null], [1, false, 'module1']]);
  });

  it.each<[string, Candidate, Candidate, 'a' | 'b', string]>([
    ['higher total first', c(1, 900), c(2, 950), 'b', 'total'],
    ['same total: fewer major deductions first', c(1, 900, { majorDeductions: 2 }), c(2, 900, { majorDeductions: 1 }), 'b', 'major'],
    ['same total and majors: higher module 1 first', c(1, 900, { module1: 80 }), c(2, 900, { module1: 85.5 }), 'b', 'module1'],
    ['then earlier submission first', c(1, 900, { submittedAt: 5000 }), c(2, 900, { submittedAt: 4000 }), 'b', 'submitted'],
    ['a never-submitted application goes after a submitted one', c(1, 900, { submittedAt: null }), c(2, 900, { submittedAt: 9999 }), 'b', 'submitted'],
    ['then the lower application id', c(7, 900, { submittedAt: 1 }), c(3, 900, { submittedAt: 1 }), 'b', 'id'],
    ['a half point decides', c(1, 900.5), c(2, 900), 'a', 'total'],
    ['total beats fewer majors', c(1, 901, { majorDeductions: 5 }), c(2, 900), 'a', 'total'],
  ])('%s', (_name, a, b, first, rule) => {
    const r = compareCandidates(a, b);
    expect(r.order < 0 ? 'a' : 'b').toBe(first);
    expect(r.decidedBy).toBe(rule);
    expect(Math.sign(compareCandidates(b, a).order)).toBe(-Math.sign(r.order));
  });
});

describe('rankCandidates', () => {
  it('ranks against the quota, selects only passing units within it, and says what broke each tie', () => {
    const ranked = rankCandidates(
      [
        c(1, 920, { majorDeductions: 1 }),
        c(2, 920, { majorDeductions: 0 }),
        c(3, 980),
        c(4, 800),
        c(5, 920, { majorDeductions: 1, module1: 88 }),
      ],
      3,
    );
    expect(ranked.map((r) => [r.candidate.applicationId, r.rank, r.withinQuota, r.selected, r.decidedBy])).toEqual([
      [3, 1, true, true, null],
      [2, 2, true, true, 'total'],
      [1, 3, true, true, 'major'],
      [5, 4, false, false, 'module1'],
      [4, 5, false, false, 'total'],
    ]);
  });

  it('leaves a place empty rather than select a failing unit', () => {
    const ranked = rankCandidates([c(1, 900), c(2, 700)], 2);
    expect(ranked.map((r) => r.selected)).toEqual([true, false]);
    expect(ranked[1]!.withinQuota).toBe(true);
  });

  it.each([[0, 0], [1, 1], [5, 2]])('quota %i selects %i of two passing units', (quota, n) => {
    expect(rankCandidates([c(1, 900), c(2, 950)], quota).filter((r) => r.selected)).toHaveLength(n);
  });

  it('is independent of input order', () => {
    const list = [c(1, 900, { submittedAt: 3 }), c(2, 900, { submittedAt: 2 }), c(3, 900, { submittedAt: 2 }), c(4, 910)];
    const a = rankCandidates(list, 2).map((r) => r.candidate.applicationId);
    const b = rankCandidates([...list].reverse(), 2).map((r) => r.candidate.applicationId);
    expect(a).toEqual([4, 2, 3, 1]);
    expect(b).toEqual(a);
  });

  it('refuses a bad quota and a duplicate application', () => {
    expect(() => rankCandidates([], -1)).toThrow(RankingError);
    expect(() => rankCandidates([], 1.5)).toThrow(/whole number/);
    expect(() => rankCandidates([c(1, 900), c(1, 800)], 1)).toThrow(/appears twice/);
  });
});
