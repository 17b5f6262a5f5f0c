/**
 * Why: a check is scored and submitted by its inspector only while they still hold the inspector role for it; a
 * revoked inspector's card buttons must do nothing. This decides assigning, scoring, submitting, recusing, and who
 * may record an inspector's bank (which blocks them from that bank's units).
 */
import { holds, holdsHere, isSecretariat, scopesOf, type Actor, type Grant } from './grants.ts';
import { needState, refuse, terminated, type Decision, type TerminationFact } from './decision.ts';

export type InspectionStatus = 'ASSIGNED' | 'SUBMITTED' | 'RECUSED';
export type InspectionMove = 'draft' | 'submit' | 'recuse';
export type InspectionEffect = { kind: 'post_result' } | { kind: 'notify_assigner' };

/**
 * Whether grants make someone an inspector for a candidate: 千佳 (inspected by the region, 第八条（三）) needs a national
 * or that region's inspector role; 百佳 (中银协, 第七条（二）, which regions assist) any inspector role.
 */
export function inspectorFor(grants: readonly Grant[], tier: string, regionId: number): boolean {
  const actor = { openId: '', grants };
  return tier === 'bai' ? holds(actor, 'inspector') : holdsHere(actor, 'inspector', { type: 'region', id: regionId });
}

export interface InspectionFacts {
  status: InspectionStatus;
  inspectorOpenId: string;
  tier: string;
  regionId: number;
  /** The bank the inspector shares with the unit, if any (conflict of interest). */
  conflictBank: string | null;
}

export function decideInspection(actor: Actor, f: InspectionFacts, move: InspectionMove): Decision<InspectionStatus, InspectionEffect> {
  if (actor.openId !== f.inspectorOpenId) return refuse('not_yours');
  if (move === 'recuse') {
    if (f.status === 'RECUSED') return { kind: 'noop', state: f.status };
    if (f.status !== 'ASSIGNED') return needState(f.status, 'ASSIGNED');
    return { kind: 'allowed', from: 'ASSIGNED', to: 'RECUSED', action: 'inspection.recuse', effects: [{ kind: 'notify_assigner' }] };
  }
  if (!inspectorFor(actor.grants, f.tier, f.regionId)) return refuse('inspector_role', { needRoles: ['inspector'] });
  if (move === 'submit' && f.status === 'SUBMITTED') return { kind: 'noop', state: f.status };
  if (f.status !== 'ASSIGNED') return needState(f.status, 'ASSIGNED');
  if (f.conflictBank) return refuse('conflict', { params: { bank: f.conflictBank } });
  if (move === 'draft') return { kind: 'allowed', from: 'ASSIGNED', to: 'ASSIGNED', action: 'inspection.draft', effects: [] };
  return { kind: 'allowed', from: 'ASSIGNED', to: 'SUBMITTED', action: 'inspection.submit', effects: [{ kind: 'post_result' }] };
}

/**
 * Recording an inspector's bank narrows what they may inspect, so it is guarded too: the secretariat may record anyone's,
 * an inspector their own, and a regional admin only those of inspectors who serve solely in regions they administer.
 */
export function decideRecordBank(actor: Actor, target: { openId: string; grants: readonly Grant[] }): Decision<null, never> {
  const ok: Decision<null, never> = { kind: 'allowed', from: null, to: null, action: 'inspector.bank', effects: [] };
  if (isSecretariat(actor)) return ok;
  if (actor.openId === target.openId && holds(actor, 'inspector')) return ok;
  const mine = scopesOf(actor, 'regional_admin', 'region');
  if (!mine.length) return refuse('inspector_bank_self_only');
  const theirs = target.grants.filter((g) => g.role === 'inspector');
  if (!theirs.length) return refuse('not_inspector');
  if (theirs.every((g) => g.scopeType === 'region' && mine.includes(g.scopeId))) return ok;
  return refuse('inspector_other_region', { needRoles: ['secretariat'] });
}

export interface AssignFacts {
  appStatus: string;
  tier: string;
  regionId: number;
  /** The grants of the person to be assigned. */
  inspectorGrants: readonly Grant[];
  /** The bank the inspector shares with the unit, if any. */
  conflictBank: string | null;
  regionTerminated?: TerminationFact | null;
}

/**
 * Assigning a check: the secretariat assigns any candidate (百佳 is 中银协's, 第七条（二）); a regional admin the 千佳
 * candidates of their own region (第八条（三）), unless the region's participation was ended (第十条). Only preselected
 * candidates are inspected, by an inspector for that candidate who does not belong to its bank.
 */
export function decideAssign(actor: Actor, f: AssignFacts): Decision<'NONE' | 'ASSIGNED', never> {
  const sec = isSecretariat(actor);
  if (!sec && (f.tier === 'bai' || !holds(actor, 'regional_admin', { type: 'region', id: f.regionId }))) {
    return refuse(f.tier === 'bai' ? 'bai_is_secretariat' : 'assign_scope', { needRoles: f.tier === 'bai' ? ['secretariat'] : ['secretariat', 'regional_admin'] });
  }
  if (!sec) {
    const t = terminated([f.regionTerminated]);
    if (t) return t;
  }
  if (f.appStatus !== 'PRESELECTED') return needState(f.appStatus, 'PRESELECTED');
  if (!f.inspectorGrants.some((g) => g.role === 'inspector')) return refuse('not_inspector');
  if (!inspectorFor(f.inspectorGrants, f.tier, f.regionId)) return refuse('inspector_elsewhere');
  if (f.conflictBank) return refuse('conflict', { params: { bank: f.conflictBank } });
  return { kind: 'allowed', from: 'NONE', to: 'ASSIGNED', action: 'inspection.assign', effects: [] };
}
