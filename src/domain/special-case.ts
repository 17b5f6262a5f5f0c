/**
 * Why: 中银协's written approval of a special case (第十一条 last paragraph) is for one unit — its name, bank and region —
 * in one campaign, and it is used once. This decides filing, deciding and using a request.
 */
import { isSecretariat, type Actor } from './grants.ts';
import { needRole, needState, refuse, type Decision } from './decision.ts';

export const SPECIAL_CASE_STATUSES = ['PENDING', 'APPROVED', 'DENIED', 'USED'] as const;
export type SpecialCaseStatus = (typeof SPECIAL_CASE_STATUSES)[number];

/** The unit a request is for: the name normalised (src/domain/names.ts), its bank and region. */
export interface UnitKey {
  name: string;
  bankId: number;
  regionId: number;
}

export type SpecialCaseEffect = { kind: 'cards_to_secretariat' } | { kind: 'notify_manager'; approved: boolean; reason: string | null };

export type SpecialCaseDecision = Decision<SpecialCaseStatus, SpecialCaseEffect>;

/** Filing: the campaign must be open, and the person may have at most `limit` requests waiting in it. */
export function decideFile(f: { campaignOpen: boolean; openByPerson: number; limit: number }): SpecialCaseDecision {
  if (!f.campaignOpen) return refuse('campaign_not_open');
  if (f.openByPerson >= f.limit) return refuse('limit_special_cases', { params: { limit: f.limit } });
  return { kind: 'allowed', from: 'PENDING', to: 'PENDING', action: 'special_case.file', effects: [{ kind: 'cards_to_secretariat' }] };
}

/** The secretariat approves, or denies with a reason, a waiting request; a decided one is left as it is. */
export function decideSpecial(actor: Actor, f: { status: SpecialCaseStatus }, move: { approve: boolean; reason: string }): SpecialCaseDecision {
  if (!isSecretariat(actor)) return needRole('secretariat');
  if (f.status !== 'PENDING') return { kind: 'noop', state: f.status };
  const reason = move.reason.trim();
  if (!move.approve && !reason) return refuse('reason_required');
  const to = move.approve ? 'APPROVED' : 'DENIED';
  return { kind: 'allowed', from: 'PENDING', to, action: `special_case.${to.toLowerCase()}`, effects: [{ kind: 'notify_manager', approved: move.approve, reason: reason || null }] };
}

export interface UseFacts {
  status: SpecialCaseStatus;
  managerOpenId: string;
  campaignId: number;
  unit: UnitKey;
}

/** Using an approval to open an application: only its requester, only once, only for the unit and campaign it names. */
export function decideUse(actor: Actor, f: UseFacts, want: { campaignId: number; unit: UnitKey }): SpecialCaseDecision {
  if (actor.openId !== f.managerOpenId) return refuse('not_owner');
  if (f.status === 'USED') return refuse('special_case_used');
  if (f.status !== 'APPROVED') return needState(f.status, 'APPROVED');
  const u = f.unit;
  if (want.campaignId !== f.campaignId || want.unit.name !== u.name || want.unit.bankId !== u.bankId || want.unit.regionId !== u.regionId) {
    return refuse('special_case_other_unit', { params: { unit: u.name } });
  }
  return { kind: 'allowed', from: 'APPROVED', to: 'USED', action: 'special_case.used', effects: [] };
}
