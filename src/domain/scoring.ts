/** Why: an inspection's totals, pass/fail and module breakdown decide who is named, so they are pure, checked and table-tested. */

import { findItem, type CheckKind, type Rubric } from './rubric.ts';

export interface Deduction {
  itemId: string;
  /** Points deducted, 0..item max, in steps of the rubric's `scoring.step`. */
  points: number;
  reason: string;
}

export type DeductionProblem =
  | { code: 'not_a_number'; itemId: string; input: string }
  | { code: 'unknown_item'; itemId: string }
  | { code: 'not_in_check'; itemId: string; kind: CheckKind }
  | { code: 'below_zero'; itemId: string; points: number }
  | { code: 'above_max'; itemId: string; points: number; max: number }
  | { code: 'off_step'; itemId: string; points: number; step: number }
  | { code: 'reason_required'; itemId: string }
  | { code: 'duplicate_item'; itemId: string };

/**
 * Reads a deduction as inspectors write it. `-2`, `2` and `扣2` all mean "deduct 2"; a leading `+` means adding
 * points, which a deduction cannot do, so `+2` reads as −2 and is refused as below 0. Full-width digits are accepted.
 */
export function parsePoints(input: string): number | null {
  const s = input
    .trim()
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[－—]/g, '-')
    .replace(/＋/g, '+')
    .replace(/^扣/, '')
    .replace(/分$/, '');
  const m = /^([+-]?)(\d+(?:\.\d+)?)$/.exec(s);
  if (!m) return null;
  const v = Number(m[2]);
  return m[1] === '+' ? -v : v;
}

/** Checks one deduction against the rubric and the kind of check; null when it is acceptable. */
export function checkDeduction(rubric: Rubric, d: Deduction, kind?: CheckKind): DeductionProblem | null {
  const hit = findItem(rubric, d.itemId);
  if (!hit) return { code: 'unknown_item', itemId: d.itemId };
  if (kind && !hit.module.checks.includes(kind)) return { code: 'not_in_check', itemId: d.itemId, kind };
  if (!Number.isFinite(d.points)) return { code: 'not_a_number', itemId: d.itemId, input: String(d.points) };
  if (d.points < 0) return { code: 'below_zero', itemId: d.itemId, points: d.points };
  if (d.points > hit.item.max) return { code: 'above_max', itemId: d.itemId, points: d.points, max: hit.item.max };
  const step = rubric.scoring.step;
  if (Math.abs(Math.round(d.points / step) * step - d.points) > 1e-9) return { code: 'off_step', itemId: d.itemId, points: d.points, step };
  if (d.points > 0 && !d.reason.trim()) return { code: 'reason_required', itemId: d.itemId };
  return null;
}

export class ScoringError extends Error {
  constructor(readonly problems: DeductionProblem[]) {
    super(`Deductions do not fit the rubric: ${problems.map((p) => `${p.itemId}: ${p.code}`).join('; ')}. Fix or remove them before scoring.`);
    this.name = 'ScoringError';
  }
}

export interface ModuleScore {
  id: string;
  name: string;
  max: number;
  deducted: number;
  score: number;
}

export interface ScoredDeduction extends Deduction {
  itemName: string;
  moduleId: string;
  max: number;
  /** At least `scoring.majorShare` of the item's maximum. */
  major: boolean;
}

export interface ScoreSheet {
  total: number;
  max: number;
  passScore: number;
  passed: boolean;
  modules: ModuleScore[];
  /** Non-zero deductions, largest first (ties in rubric order). */
  deductions: ScoredDeduction[];
  majorCount: number;
}

/** Totals a set of deductions (one per item at most). Throws ScoringError naming every deduction that does not fit. */
export function scoreSheet(rubric: Rubric, deductions: readonly Deduction[]): ScoreSheet {
  const problems = deductions.map((d) => checkDeduction(rubric, d)).filter((p): p is DeductionProblem => p !== null);
  const seen = new Set<string>();
  for (const d of deductions) {
    if (seen.has(d.itemId)) problems.push({ code: 'duplicate_item', itemId: d.itemId });
    seen.add(d.itemId);
  }
  if (problems.length) throw new ScoringError(problems);
  const order = rubric.modules.flatMap((m) => m.items.map((i) => i.id));
  const scored: ScoredDeduction[] = deductions
    .filter((d) => d.points > 0)
    .map((d) => {
      const { module, item } = findItem(rubric, d.itemId)!;
      return { ...d, itemName: item.name, moduleId: module.id, max: item.max, major: d.points >= item.max * rubric.scoring.majorShare - 1e-9 };
    })
    .sort((a, b) => b.points - a.points || order.indexOf(a.itemId) - order.indexOf(b.itemId));
  const modules = rubric.modules.map((m) => {
    const deducted = scored.filter((d) => d.moduleId === m.id).reduce((s, d) => s + d.points, 0);
    return { id: m.id, name: m.name, max: m.points, deducted, score: m.points - deducted };
  });
  const total = rubric.scoring.total - modules.reduce((s, m) => s + m.deducted, 0);
  return {
    total,
    max: rubric.scoring.total,
    passScore: rubric.scoring.passScore,
    passed: total >= rubric.scoring.passScore,
    modules,
    deductions: scored,
    majorCount: scored.filter((d) => d.major).length,
  };
}

export interface CheckResult {
  kind: CheckKind;
  deductions: readonly Deduction[];
}

/**
 * One application's deductions from all its submitted checks. Where an onsite check and a mystery visit both deduct
 * for the same item, the larger deduction stands (a fault seen twice is not deducted twice); its reason is kept.
 */
export function combineChecks(checks: readonly CheckResult[]): Deduction[] {
  const byItem = new Map<string, Deduction>();
  for (const c of checks) {
    for (const d of c.deductions) {
      const prior = byItem.get(d.itemId);
      if (!prior || d.points > prior.points) byItem.set(d.itemId, { ...d });
    }
  }
  return [...byItem.values()];
}

/** Formats a score for people: whole numbers bare, halves with one decimal. */
export function formatPoints(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, '');
}
