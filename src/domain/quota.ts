/** Why: 中银协 allocates each region's places per tier and 第五条 caps 百佳+千佳 at 1000, so allocations and preselection must be checked. */

import type { TierId } from './cycle-template.ts';

export interface QuotaEntry {
  /** Region code or name as the chat layer stores it (e.g. a regional association id). */
  region: string;
  tier: TierId;
  /** Number of places allocated; a whole number ≥ 0. */
  quota: number;
}

export type QuotaProblem =
  | { code: 'negative_quota'; index: number; region: string; tier: TierId; quota: number }
  | { code: 'non_integer_quota'; index: number; region: string; tier: TierId; quota: number }
  | { code: 'duplicate_entry'; index: number; firstIndex: number; region: string; tier: TierId }
  /** `total` is the whole round's: this table plus `elsewhere`, the other campaigns of the same cycle. */
  | { code: 'over_total'; total: number; maxTotal: number; excess: number; elsewhere: number }
  | { code: 'invalid_max_total'; maxTotal: number }
  | { code: 'invalid_elsewhere'; elsewhere: number };

const keyOf = (e: { region: string; tier: TierId }): string => JSON.stringify([e.region, e.tier]);

/**
 * Checks an allocation table: each quota a whole number ≥ 0, one row per (region, tier), and the sum over all rows
 * plus `elsewhere` at most `maxTotal` (pass the template's `maxTotalUnits`). 第五条 (百佳、千佳数量总计原则上不超过
 * 1000家) counts a whole round: both tiers of every campaign in the 2-year cycle, so `elsewhere` is what the cycle's
 * other campaigns already allocated. Returns every problem found; an empty list means the table is acceptable.
 */
export function validateQuotas(quotas: readonly QuotaEntry[], maxTotal: number, elsewhere = 0): QuotaProblem[] {
  const problems: QuotaProblem[] = [];
  const maxValid = Number.isSafeInteger(maxTotal) && maxTotal >= 0;
  if (!maxValid) problems.push({ code: 'invalid_max_total', maxTotal });
  const elsewhereValid = Number.isSafeInteger(elsewhere) && elsewhere >= 0;
  if (!elsewhereValid) problems.push({ code: 'invalid_elsewhere', elsewhere });
  const first = new Map<string, number>();
  let total = 0;
  quotas.forEach((e, index) => {
    const { region, tier, quota } = e;
    if (!Number.isFinite(quota) || !Number.isInteger(quota)) {
      problems.push({ code: 'non_integer_quota', index, region, tier, quota });
    } else if (quota < 0) {
      problems.push({ code: 'negative_quota', index, region, tier, quota });
    } else {
      total += quota;
    }
    const key = keyOf(e);
    const firstIndex = first.get(key);
    if (firstIndex !== undefined) problems.push({ code: 'duplicate_entry', index, firstIndex, region, tier });
    else first.set(key, index);
  });
  if (maxValid && elsewhereValid && total + elsewhere > maxTotal) {
    problems.push({ code: 'over_total', total: total + elsewhere, maxTotal, excess: total + elsewhere - maxTotal, elsewhere });
  }
  return problems;
}

/** Sum of all valid (whole, non-negative) quotas. */
export function totalQuota(quotas: readonly QuotaEntry[]): number {
  return quotas.reduce((sum, e) => (Number.isInteger(e.quota) && e.quota >= 0 ? sum + e.quota : sum), 0);
}

export type PreselectionResult =
  | { ok: true; quota: number; alreadyPreselected: number; adding: number; remainingAfter: number }
  | {
      ok: false;
      code: 'quota_full' | 'would_exceed_quota';
      quota: number;
      alreadyPreselected: number;
      adding: number;
      /** Places still free before this request (0 when full or already over). */
      remaining: number;
      /** How many of `adding` do not fit. */
      excess: number;
    }
  | { ok: false; code: 'invalid_count'; field: 'quota' | 'alreadyPreselected' | 'adding'; value: number };

/**
 * May a regional association add `adding` (default 1) units to its preselection list for one region and tier?
 * 第八条第（二）项: preselection is "根据中银协核定数量", so the quota is a hard ceiling.
 */
export function checkPreselection(input: { quota: number; alreadyPreselected: number; adding?: number }): PreselectionResult {
  const { quota, alreadyPreselected } = input;
  const adding = input.adding ?? 1;
  for (const [field, value] of [
    ['quota', quota],
    ['alreadyPreselected', alreadyPreselected],
    ['adding', adding],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) return { ok: false, code: 'invalid_count', field, value };
  }
  const remaining = Math.max(0, quota - alreadyPreselected);
  if (adding <= remaining) {
    return { ok: true, quota, alreadyPreselected, adding, remainingAfter: remaining - adding };
  }
  return {
    ok: false,
    code: remaining === 0 ? 'quota_full' : 'would_exceed_quota',
    quota,
    alreadyPreselected,
    adding,
    remaining,
    excess: adding - remaining,
  };
}

export interface QuotaChange extends QuotaEntry {
  /** Units already preselected for this region and tier; the new quota may not drop below it. */
  alreadyPreselected?: number;
}

export type QuotaChangeProblem =
  | QuotaProblem
  | { code: 'below_preselected'; region: string; tier: TierId; quota: number; alreadyPreselected: number };

export type QuotaChangeResult =
  | {
      ok: true;
      /** The table with the change applied (row replaced, or appended when new). */
      quotas: QuotaEntry[];
      previousQuota: number | null;
      /** New quota minus old (the whole new quota when the row is new). */
      delta: number;
      /** This table's total. */
      total: number;
      /** The round's total: this table plus the cycle's other campaigns. */
      roundTotal: number;
      /** Places left under `maxTotal` in the round after the change. */
      headroom: number;
    }
  | { ok: false; problems: QuotaChangeProblem[] };

/**
 * Sets one (region, tier) quota and checks the resulting table. Problems already present in `existing` but
 * unrelated to the change are reported too, since the saved table must be valid as a whole.
 */
export function validateQuotaChange(existing: readonly QuotaEntry[], change: QuotaChange, maxTotal: number, elsewhere = 0): QuotaChangeResult {
  const key = keyOf(change);
  const idx = existing.findIndex((e) => keyOf(e) === key);
  const row: QuotaEntry = { region: change.region, tier: change.tier, quota: change.quota };
  const quotas = idx === -1 ? [...existing.map((e) => ({ ...e })), row] : existing.map((e, i) => (i === idx ? row : { ...e }));
  const problems: QuotaChangeProblem[] = validateQuotas(quotas, maxTotal, elsewhere);
  const pre = change.alreadyPreselected;
  if (pre !== undefined && Number.isInteger(change.quota) && change.quota < pre) {
    problems.push({ code: 'below_preselected', region: change.region, tier: change.tier, quota: change.quota, alreadyPreselected: pre });
  }
  if (problems.length > 0) return { ok: false, problems };
  const previousQuota = idx === -1 ? null : (existing[idx]?.quota ?? null);
  const total = totalQuota(quotas);
  return { ok: true, quotas, previousQuota, delta: change.quota - (previousQuota ?? 0), total, roundTotal: total + elsewhere, headroom: maxTotal - total - elsewhere };
}
