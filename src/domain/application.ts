/**
 * Why: an application moves DRAFT → SUBMITTED → the member bank's 报备 (and, for 百佳, 资格审定) → the region's 初选.
 * Who may make each move depends only on the application as the database has it (tier, status, bank, region) and the
 * actor's grants; never on what a card claims. This decides each move and names what it causes.
 */
import { holds, isSecretariat, type Actor, type Role } from './grants.ts';
import { refuse, terminated, type Decision, type TerminationFact } from './decision.ts';
import type { ProcessRules } from './process-rules.ts';

export const APPLICATION_STATUSES = ['DRAFT', 'SUBMITTED', 'FILED', 'NOT_FILED', 'QUALIFIED', 'DISQUALIFIED', 'PRESELECTED', 'REJECTED'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export type ReviewRules = ProcessRules['review'];
/** member: the bank's 报备 / 资格审定 (第九条（二）（三）); region: the regional association's 初选 (第八条（二）). */
export type ReviewStage = 'member' | 'region';

/** The stage that reviews a freshly submitted application of this tier. */
export function firstStage(tier: string, rules: ReviewRules): ReviewStage {
  return rules.filingTiers.includes(tier) || rules.qualificationTiers.includes(tier) ? 'member' : 'region';
}

/** The stage awaiting a decision, or null when the application is not waiting for review. */
export function stageOf(status: string, tier: string, rules: ReviewRules): ReviewStage | null {
  if (status === 'SUBMITTED') return firstStage(tier, rules);
  if (status === 'FILED' || status === 'QUALIFIED') return 'region';
  return null;
}

export interface ApplicationFacts {
  status: ApplicationStatus;
  tier: string;
  bankId: number;
  regionId: number;
  managerOpenId: string;
  bankTerminated?: TerminationFact | null;
  regionTerminated?: TerminationFact | null;
  /** The region's quota for the tier (null: not set). Needed to recommend. */
  quota?: number | null;
  /** Applications of the region and tier preselected already. Needed to recommend. */
  preselected?: number;
}

export type ApplicationEffect =
  | { kind: 'notify_manager'; status: ApplicationStatus; reason: string | null }
  | { kind: 'route_review'; stage: ReviewStage };

export type ApplicationDecision = Decision<ApplicationStatus, ApplicationEffect>;

/** A reviewer's decision at whatever stage the application is in: approve (报备/审定通过, 推荐) or reject with a reason. */
export function decideReview(actor: Actor, f: ApplicationFacts, move: { approve: boolean; reason: string }, rules: ReviewRules): ApplicationDecision {
  const stage = stageOf(f.status, f.tier, rules);
  const member = holds(actor, 'member_admin', { type: 'member', id: f.bankId });
  const regionRoles: Role[] = rules.secretariatMayPreselect ? ['regional_admin', 'secretariat'] : ['regional_admin'];
  const region = holds(actor, 'regional_admin', { type: 'region', id: f.regionId }) || (rules.secretariatMayPreselect && isSecretariat(actor));
  if (!stage) {
    if (member || region || isSecretariat(actor)) return { kind: 'noop', state: f.status };
    return refuse('review_scope', { needRoles: ['member_admin', ...regionRoles] });
  }
  if (stage === 'member' && !member) return refuse('review_scope', { needRoles: ['member_admin'], params: { stage } });
  if (stage === 'region' && !region) return refuse('review_scope', { needRoles: regionRoles, params: { stage } });
  // A terminated region's own admins may no longer decide; the secretariat may still decide in its place. A terminated
  // bank's candidates go no further at either stage.
  const t = terminated(stage === 'member' ? [f.bankTerminated] : [isSecretariat(actor) ? null : f.regionTerminated, f.bankTerminated]);
  if (t) return t;
  const reason = move.reason.trim();
  if (!move.approve && !reason) return refuse('reason_required');
  let to: ApplicationStatus;
  const effects: ApplicationEffect[] = [];
  if (stage === 'member') {
    const qualify = rules.qualificationTiers.includes(f.tier);
    to = move.approve ? (qualify ? 'QUALIFIED' : 'FILED') : qualify ? 'DISQUALIFIED' : 'NOT_FILED';
    effects.push({ kind: 'notify_manager', status: to, reason: reason || null });
    if (move.approve) effects.push({ kind: 'route_review', stage: 'region' });
  } else {
    if (move.approve) {
      if (f.quota === undefined || f.quota === null) return refuse('quota_unset');
      const already = f.preselected ?? 0;
      if (already >= f.quota) return refuse('quota_full', { params: { quota: f.quota, already } });
    }
    to = move.approve ? 'PRESELECTED' : 'REJECTED';
    effects.push({ kind: 'notify_manager', status: to, reason: reason || null });
  }
  return { kind: 'allowed', from: f.status, to, action: `application.${to.toLowerCase()}`, effects };
}

/** The manager submits their own draft; it goes to the first review stage of its tier. */
export function decideSubmit(actor: Actor, f: ApplicationFacts, rules: ReviewRules): ApplicationDecision {
  if (actor.openId !== f.managerOpenId) return refuse('not_owner');
  if (f.status !== 'DRAFT') return { kind: 'noop', state: f.status };
  const t = terminated([f.bankTerminated, f.regionTerminated]);
  if (t) return t;
  return { kind: 'allowed', from: 'DRAFT', to: 'SUBMITTED', action: 'application.submitted', effects: [{ kind: 'route_review', stage: firstStage(f.tier, rules) }] };
}

export interface CreateFacts {
  bankId: number;
  bankName: string;
  bankTerminated?: TerminationFact | null;
  regionTerminated?: TerminationFact | null;
}

/** A 网点负责人 starts an application only for a unit of a bank that made them its branch manager. */
export function decideCreate(actor: Actor, f: CreateFacts): ApplicationDecision {
  if (!holds(actor, 'branch_manager', { type: 'member', id: f.bankId })) return refuse('not_bank_manager', { needRoles: ['branch_manager'], params: { bank: f.bankName } });
  const t = terminated([f.bankTerminated, f.regionTerminated]);
  if (t) return t;
  return { kind: 'allowed', from: 'DRAFT', to: 'DRAFT', action: 'application.create', effects: [] };
}

export type ClaimStatus = 'PENDING' | 'CONFIRMED' | 'DECLINED';

/** A bank's member-unit admin confirms (granting the 网点负责人 role for that bank) or declines a person's claim. */
export function decideClaim(actor: Actor, f: { status: ClaimStatus; bankId: number }, confirm: boolean): Decision<ClaimStatus, never> {
  if (!holds(actor, 'member_admin', { type: 'member', id: f.bankId })) return refuse('claim_scope', { needRoles: ['member_admin'] });
  if (f.status !== 'PENDING') return { kind: 'noop', state: f.status };
  const to = confirm ? 'CONFIRMED' : 'DECLINED';
  return { kind: 'allowed', from: 'PENDING', to, action: `manager_claim.${to.toLowerCase()}`, effects: [] };
}
