/** Why: 差额评选 ranks each region's inspected candidates against its quota; the order and its tie rule must be explicit and tested. */

/**
 * The tie rule, in order. Two candidates are compared by:
 *   1. `total`      — the higher total score ranks first;
 *   2. `major`      — then the fewer major deductions (a deduction of at least the rubric's `majorShare` of an item);
 *   3. `module1`    — then the higher score in the rubric's first module (环境管理);
 *   4. `submitted`  — then the earlier application submission (an application never submitted ranks after one that was);
 *   5. `id`         — then the lower application id, so the order is always total and repeatable.
 */
export const TIE_RULE = ['total', 'major', 'module1', 'submitted', 'id'] as const;
export type TieKey = (typeof TIE_RULE)[number];

export interface Candidate {
  applicationId: number;
  name: string;
  total: number;
  passed: boolean;
  majorDeductions: number;
  module1: number;
  /** Application submission time in ms since the epoch; null when unknown. */
  submittedAt: number | null;
}

export interface Ranked<C extends Candidate = Candidate> {
  candidate: C;
  /** 1-based position after the tie rule. */
  rank: number;
  withinQuota: boolean;
  /** Within quota and passing: proposed for naming. */
  selected: boolean;
  /** The rule that put this candidate below the one above it (null for the first). */
  decidedBy: TieKey | null;
}

const EPS = 1e-9;

/** Compares two candidates by the tie rule: negative when `a` ranks first; also says which rule decided. */
export function compareCandidates(a: Candidate, b: Candidate): { order: number; decidedBy: TieKey } {
  if (Math.abs(a.total - b.total) > EPS) return { order: b.total - a.total, decidedBy: 'total' };
  if (a.majorDeductions !== b.majorDeductions) return { order: a.majorDeductions - b.majorDeductions, decidedBy: 'major' };
  if (Math.abs(a.module1 - b.module1) > EPS) return { order: b.module1 - a.module1, decidedBy: 'module1' };
  const sa = a.submittedAt ?? Number.POSITIVE_INFINITY;
  const sb = b.submittedAt ?? Number.POSITIVE_INFINITY;
  if (sa !== sb) return { order: sa < sb ? -1 : 1, decidedBy: 'submitted' };
  return { order: a.applicationId - b.applicationId, decidedBy: 'id' };
}

export class RankingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RankingError';
  }
}

/**
 * Ranks a region's candidates of one tier against its quota. The first `quota` places are within quota; of those,
 * only candidates whose total reaches the pass score are selected (a place is left empty rather than given to a
 * failing unit, and a failing unit never pushes a passing one out).
 */
export function rankCandidates<C extends Candidate>(candidates: readonly C[], quota: number): Ranked<C>[] {
  if (!Number.isSafeInteger(quota) || quota < 0) throw new RankingError(`The quota must be a whole number ≥ 0, got ${quota}. Set it with /quota set.`);
  const ids = new Set<number>();
  for (const c of candidates) {
    if (ids.has(c.applicationId)) throw new RankingError(`Application ${c.applicationId} appears twice; rank each application once.`);
    ids.add(c.applicationId);
  }
  const sorted = [...candidates].sort((a, b) => compareCandidates(a, b).order);
  return sorted.map((candidate, i) => {
    const withinQuota = i < quota;
    return {
      candidate,
      rank: i + 1,
      withinQuota,
      selected: withinQuota && candidate.passed,
      decidedBy: i === 0 ? null : compareCandidates(sorted[i - 1]!, candidate).decidedBy,
    };
  });
}
