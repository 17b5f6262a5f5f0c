/**
 * Why: regional associations and member banks take part in a round on two conditions the 管理办法 sets: they file
 * their plans with 中银协 (备案, 第八条（一）, 第九条（一）) and they cooperate — the secretariat may end the
 * participation of one that does not (第十条). This decides filing a plan item, ending and restoring participation.
 */
import { holds, isSecretariat, type Actor } from './grants.ts';
import { needRole, refuse, terminated, type Decision, type TerminationFact } from './decision.ts';

export type PartyType = 'region' | 'member';
export interface Party {
  type: PartyType;
  id: number;
  name: string;
}

export type ParticipationEffect = { kind: 'notify_party'; terminated: boolean };

/** The secretariat ends a party's participation in a campaign, with the reason it will be told. */
export function decideTerminate(actor: Actor, f: { active: TerminationFact | null }, reason: string): Decision<'ACTIVE' | 'TERMINATED', ParticipationEffect> {
  if (!isSecretariat(actor)) return needRole('secretariat');
  if (f.active) return { kind: 'noop', state: 'TERMINATED' };
  if (!reason.trim()) return refuse('reason_required');
  return { kind: 'allowed', from: 'ACTIVE', to: 'TERMINATED', action: 'participation.terminate', effects: [{ kind: 'notify_party', terminated: true }] };
}

/** The secretariat restores a party's participation (the termination stays on record, marked lifted). */
export function decideReinstate(actor: Actor, f: { active: TerminationFact | null }): Decision<'ACTIVE' | 'TERMINATED', ParticipationEffect> {
  if (!isSecretariat(actor)) return needRole('secretariat');
  if (!f.active) return { kind: 'noop', state: 'ACTIVE' };
  return { kind: 'allowed', from: 'TERMINATED', to: 'ACTIVE', action: 'participation.reinstate', effects: [{ kind: 'notify_party', terminated: false }] };
}

/** Whether the actor administers the party: a regional admin of the region, a member admin of the bank. */
export function administers(actor: Actor, party: Pick<Party, 'type' | 'id'>): boolean {
  return party.type === 'region' ? holds(actor, 'regional_admin', { type: 'region', id: party.id }) : holds(actor, 'member_admin', { type: 'member', id: party.id });
}

/** A party's admin files one item of its plan checklist (or updates the note of one filed already). */
export function decideFilePlan(
  actor: Actor,
  party: Party,
  f: { filedNote: string | null; terminated: TerminationFact | null },
  note: string,
): Decision<'MISSING' | 'FILED', never> {
  if (!administers(actor, party)) return refuse('plan_scope', { needRoles: [party.type === 'region' ? 'regional_admin' : 'member_admin'], params: { party: party.name } });
  const t = terminated([f.terminated]);
  if (t) return t;
  if (f.filedNote !== null && f.filedNote === note.trim()) return { kind: 'noop', state: 'FILED' };
  return { kind: 'allowed', from: f.filedNote === null ? 'MISSING' : 'FILED', to: 'FILED', action: 'plan.file', effects: [] };
}
