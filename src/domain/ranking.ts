/** Why: 差额评选 ranks each region's inspected candidates against its quota; the order and its tie rule must be explicit and tested. */

/**
 * The default tie rule, in order (a rubric may set its own in scoring.tieBreak: the 管理办法 does not say). Two
 * candidates are compared by:
 *   1. `total`      — the higher total score ranks first;
 *   2. `major`      — then the fewer major deductions (a deduction of at least the rubric's `majorShare` of an item);
 *   3. `module1`    — then the higher score in the rubric's first module (环境管理);
 *   4. `submitted`  — then the earlier application submission (an application never submitted ranks after one that was);
 *   5. `id`         — then the lower application id, so the order is always total and repeatable.
 */
export const TIE_KEYS = ['total', 'major', 'module1', 'submitted', 'id'] as const;
export type TieKey = (typeof TIE_KEYS)[number];
export const TIE_RULE: readonly TieKey[] = TIE_KEYS;

/** One step of the rule: negative when `a` ranks first, 0 when this key does not separate them. */
const STEP: Record<TieKey, (a: Candidate, b: Candidate) => number> = {
  total: (a, b) => (Math.abs(a.total - b.total) > EPS ? b.total - a.total : 0),
  major: (a, b) => a.majorDeductions - b.majorDeductions,
  module1: (a, b) => (Math.abs(a.module1 - b.module1) > EPS ? b.module1 - a.module1 : 0),
  submitted: (a, b) => {
    const sa = a.submittedAt ?? Number.POSITIVE_INFINITY;
    const sb = b.submittedAt ?? Number.POSITIVE_INFINITY;
    return sa === sb ? 0 : sa < sb ? -1 : 1;
  },
  id: (a, b) => a.applicationId - b.applicationId,
};

const EPS = 1e-9;

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

/** Compares two candidates by the tie rule (default TIE_RULE): negative when `a` ranks first; also says which key decided. */
export function compareCandidates(a: Candidate, b: Candidate, rule: readonly TieKey[] = TIE_RULE): { order: number; decidedBy: TieKey } {
  for (const key of rule) {
    const order = STEP[key](a, b);
    if (order !== 0) return { order, decidedBy: key };
  }
  // A rule without `id` could leave two apart only by luck; the id keeps the order total and repeatable.
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
export function rankCandidates<C extends Candidate>(candidates: readonly C[], quota: number, rule: readonly TieKey[] = TIE_RULE): Ranked<C>[] {
  if (!Number.isSafeInteger(quota) || quota < 0) throw new RankingError(`The quota must be a whole number ≥ 0, got ${quota}. Set it with /quota set.`);
  const ids = new Set<number>();
  for (const c of candidates) {
    if (ids.has(c.applicationId)) throw new RankingError(`Application ${c.applicationId} appears twice; rank each application once.`);
    ids.add(c.applicationId);
  }
  const sorted = [...candidates].sort((a, b) => compareCandidates(a, b, rule).order);
  return sorted.map((candidate, i) => {
    const withinQuota = i < quota;
    return {
      candidate,
      rank: i + 1,
      withinQuota,
      selected: withinQuota && candidate.passed,
      decidedBy: i === 0 ? null : compareCandidates(sorted[i - 1]!, candidate, rule).decidedBy,
    };
  });
}
