/** Why: every transition function answers in the same three shapes, so commands, cards and the audit log treat them alike. */
import type { Role } from './grants.ts';

/**
 * Why an act was refused, in data: a prompt key under `refusal.` (prompts/zh-CN/messages/integrity.yaml), the roles
 * or states that would have allowed it, and the values its wording needs.
 */
export interface Refusal {
  code: string;
  needRoles?: readonly Role[];
  needStates?: readonly string[];
  params?: Record<string, string | number>;
}

/** Allowed: the state to move to and what the move causes (fan-out, notices), to be written in the same transaction. */
export interface Allowed<S, E> {
  kind: 'allowed';
  from: S;
  to: S;
  /** The audit action, e.g. `campaign.open`. */
  action: string;
  effects: E[];
}

/** Nothing to do: the entity is already where the move would take it (a second click, a redelivered or resumed event). */
export interface Noop<S> {
  kind: 'noop';
  state: S;
}

export interface Refused {
  kind: 'refused';
  refusal: Refusal;
}

export type Decision<S, E> = Allowed<S, E> | Noop<S> | Refused;

export function refuse(code: string, more: Omit<Refusal, 'code'> = {}): Refused {
  return { kind: 'refused', refusal: { code, ...more } };
}

export function needRole(...roles: Role[]): Refused {
  return refuse('role', { needRoles: roles });
}

export function needState(state: string, ...allowed: string[]): Refused {
  return refuse('state', { needStates: allowed, params: { state } });
}

/** A party whose participation the secretariat ended (第十条), as the transition functions see it. */
export interface TerminationFact {
  party: 'region' | 'member';
  name: string;
  reason: string;
  on: string;
}

/** Refuses when any of the parties concerned has been terminated, naming the first and why. */
export function terminated(facts: ReadonlyArray<TerminationFact | null | undefined>): Refused | null {
  const t = facts.find((f): f is TerminationFact => !!f);
  return t ? refuse('terminated', { params: { party: t.name, reason: t.reason, on: t.on, kind: t.party } }) : null;
}
