/** Why: quotas cap how many units each region may preselect and 第五条 caps the national total, so refusals carry exact numbers. */

import { describe, expect, it } from 'vitest';
import { checkPreselection, totalQuota, validateQuotaChange, validateQuotas, type QuotaEntry } from '../../src/domain/quota.ts';

const base: QuotaEntry[] = [
  { region: 'beijing', tier: 'bai', quota: 5 },
  { region: 'beijing', tier: 'qian', quota: 40 },
  { region: 'shanghai', tier: 'bai', quota: 5 },
  { region: 'shanghai', tier: 'qian', quota: 45 },
];

describe('validateQuotas', () => {
  it.each<[string, QuotaEntry[], number, string[]]>([
    ['a valid table', base, 1000, []],
    ['empty table', [], 1000, []],
    ['exactly at the cap (第五条 不超过 includes 1000)', [{ region: 'a', tier: 'qian', quota: 900 }, { region: 'a', tier: 'bai', quota: 100 }], 1000, []],
    ['one over the cap', [{ region: 'a', tier: 'qian', quota: 901 }, { region: 'a', tier: 'bai', quota: 100 }], 1000, ['over_total']],
    ['negative quota', [{ region: 'a', tier: 'bai', quota: -1 }], 1000, ['negative_quota']],
    ['fractional quota', [{ region: 'a', tier: 'bai', quota: 2.5 }], 1000, ['non_integer_quota']],
    ['NaN quota', [{ region: 'a', tier: 'bai', quota: Number.NaN }], 1000, ['non_integer_quota']],
    ['duplicate region and tier', [{ region: 'a', tier: 'bai', quota: 1 }, { region: 'a', tier: 'bai', quota: 2 }], 1000, ['duplicate_entry']],
    ['same region, different tiers is fine', [{ region: 'a', tier: 'bai', quota: 1 }, { region: 'a', tier: 'qian', quota: 2 }], 1000, []],
    ['zero quota is allowed', [{ region: 'a', tier: 'bai', quota: 0 }], 1000, []],
    ['several problems at once', [{ region: 'a', tier: 'bai', quota: -3 }, { region: 'a', tier: 'bai', quota: 1.5 }, { region: 'b', tier: 'qian', quota: 2000 }], 1000, ['negative_quota', 'non_integer_quota', 'duplicate_entry', 'over_total']],
    ['bad cap', base, -1, ['invalid_max_total']],
  ])('%s', (_name, quotas, max, codes) => {
    expect(validateQuotas(quotas, max).map((p) => p.code)).toEqual(codes);
  });

  it('over_total carries the numbers', () => {
    expect(validateQuotas([{ region: 'a', tier: 'qian', quota: 1012 }], 1000)).toEqual([
      { code: 'over_total', total: 1012, maxTotal: 1000, excess: 12, elsewhere: 0 },
    ]);
    expect(totalQuota(base)).toBe(95);
  });

  it('duplicate_entry names both rows', () => {
    expect(validateQuotas([{ region: 'a', tier: 'bai', quota: 1 }, { region: 'b', tier: 'bai', quota: 1 }, { region: 'a', tier: 'bai', quota: 2 }], 1000)).toEqual([
      { code: 'duplicate_entry', index: 2, firstIndex: 0, region: 'a', tier: 'bai' },
    ]);
  });
});

describe('checkPreselection', () => {
  it.each([
    [{ quota: 5, alreadyPreselected: 0 }, { ok: true, remainingAfter: 4 }],
    [{ quota: 5, alreadyPreselected: 4 }, { ok: true, remainingAfter: 0 }],
    [{ quota: 5, alreadyPreselected: 5 }, { ok: false, code: 'quota_full', remaining: 0, excess: 1 }],
    [{ quota: 5, alreadyPreselected: 7 }, { ok: false, code: 'quota_full', remaining: 0, excess: 1 }],
    [{ quota: 5, alreadyPreselected: 3, adding: 2 }, { ok: true, remainingAfter: 0 }],
    [{ quota: 5, alreadyPreselected: 3, adding: 4 }, { ok: false, code: 'would_exceed_quota', remaining: 2, excess: 2 }],
    [{ quota: 0, alreadyPreselected: 0 }, { ok: false, code: 'quota_full', remaining: 0, excess: 1 }],
    [{ quota: 5, alreadyPreselected: 2, adding: 0 }, { ok: true, remainingAfter: 3 }],
    [{ quota: 5, alreadyPreselected: -1 }, { ok: false, code: 'invalid_count', field: 'alreadyPreselected', value: -1 }],
    [{ quota: 2.5, alreadyPreselected: 0 }, { ok: false, code: 'invalid_count', field: 'quota', value: 2.5 }],
    [{ quota: 5, alreadyPreselected: 0, adding: -2 }, { ok: false, code: 'invalid_count', field: 'adding', value: -2 }],
  ])('%j → %j', (input, expected) => {
    expect(checkPreselection(input)).toMatchObject(expected);
  });

  it('a refusal carries every number the card needs', () => {
    expect(checkPreselection({ quota: 5, alreadyPreselected: 5 })).toEqual({
      ok: false,
      code: 'quota_full',
      quota: 5,
      alreadyPreselected: 5,
      adding: 1,
      remaining: 0,
      excess: 1,
    });
  });
});

describe('validateQuotaChange', () => {
  it.each<[string, Parameters<typeof validateQuotaChange>[1], number, string[]]>([
    ['raise within cap', { region: 'beijing', tier: 'qian', quota: 50 }, 1000, []],
    ['new row', { region: 'tianjin', tier: 'bai', quota: 3 }, 1000, []],
    ['raise past cap', { region: 'beijing', tier: 'qian', quota: 946 }, 1000, ['over_total']],
    ['raise exactly to cap', { region: 'beijing', tier: 'qian', quota: 945 }, 1000, []],
    ['negative', { region: 'beijing', tier: 'bai', quota: -1 }, 1000, ['negative_quota']],
    ['fractional', { region: 'beijing', tier: 'bai', quota: 1.2 }, 1000, ['non_integer_quota']],
    ['below already preselected', { region: 'beijing', tier: 'bai', quota: 2, alreadyPreselected: 3 }, 1000, ['below_preselected']],
    ['equal to already preselected', { region: 'beijing', tier: 'bai', quota: 3, alreadyPreselected: 3 }, 1000, []],
  ])('%s', (_name, change, max, codes) => {
    const r = validateQuotaChange(base, change, max);
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toEqual(codes);
  });

  it('returns the new table and the arithmetic', () => {
    const r = validateQuotaChange(base, { region: 'beijing', tier: 'qian', quota: 50 }, 1000);
    expect(r).toMatchObject({ ok: true, previousQuota: 40, delta: 10, total: 105, headroom: 895 });
    if (r.ok) expect(r.quotas[1]).toEqual({ region: 'beijing', tier: 'qian', quota: 50 });
    expect(base[1]?.quota).toBe(40);
    const added = validateQuotaChange(base, { region: 'tianjin', tier: 'bai', quota: 3 }, 1000);
    expect(added).toMatchObject({ ok: true, previousQuota: null, delta: 3, total: 98 });
    if (added.ok) expect(added.quotas).toHaveLength(5);
  });
});

describe('第五条\'s 1,000 is per round: 百佳 and 千佳 of every campaign in the cycle together', () => {
  it.each<[string, QuotaEntry[], number, string[]]>([
    ['900 here and 900 in the other campaign of the cycle', [{ region: 'a', tier: 'qian', quota: 900 }], 900, ['over_total']],
    ['900 here and 100 elsewhere: exactly the cap', [{ region: 'a', tier: 'qian', quota: 900 }], 100, []],
    ['nothing elsewhere', [{ region: 'a', tier: 'qian', quota: 1000 }], 0, []],
  ])('%s', (_name, quotas, elsewhere, codes) => {
    expect(validateQuotas(quotas, 1000, elsewhere).map((p) => p.code)).toEqual(codes);
  });

  it('over_total counts the other campaigns in the total and names their share', () => {
    expect(validateQuotas([{ region: 'a', tier: 'bai', quota: 900 }], 1000, 900)).toEqual([{ code: 'over_total', total: 1800, maxTotal: 1000, excess: 800, elsewhere: 900 }]);
  });

  it('validateQuotaChange refuses a change that fits the campaign but not the round, and reports the round total', () => {
    const refused = validateQuotaChange([], { region: 'a', tier: 'bai', quota: 900 }, 1000, 900);
    expect(refused).toMatchObject({ ok: false, problems: [{ code: 'over_total', total: 1800, excess: 800 }] });
    const ok = validateQuotaChange(base, { region: 'beijing', tier: 'qian', quota: 50 }, 1000, 800);
    expect(ok).toMatchObject({ ok: true, total: 105, roundTotal: 905, headroom: 95 });
  });

  it('a negative or fractional share elsewhere is a bug in the caller, reported as such', () => {
    expect(validateQuotas([], 1000, -5).map((p) => p.code)).toEqual(['invalid_elsewhere']);
  });
});
