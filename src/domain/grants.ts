/** Why: who may act is a pure question of the actor's current grants; every transition function asks it the same way. */

export const ROLES = ['secretariat', 'regional_admin', 'member_admin', 'inspector', 'branch_manager'] as const;
export type Role = (typeof ROLES)[number];

/** Which kind of scope a role carries: a region, a bank, or none (national). */
export const ROLE_SCOPE: Record<Role, '' | 'region' | 'member'> = {
  secretariat: '',
  regional_admin: 'region',
  member_admin: 'member',
  inspector: 'region',
  branch_manager: 'member',
};

export interface Grant {
  role: Role;
  scopeType: '' | 'region' | 'member';
  scopeId: number;
}

export interface Scope {
  type: 'region' | 'member';
  id: number;
}

/** The person asking, with the grants read from the database for this act (never from a cache or a card). */
export interface Actor {
  openId: string;
  grants: readonly Grant[];
}

/** Holds `role` at all (any scope) or exactly in `scope`. */
export function holds(actor: Actor, role: Role, scope?: Scope): boolean {
  return actor.grants.some((g) => g.role === role && (!scope || (g.scopeType === scope.type && g.scopeId === scope.id)));
}

/** Holds `role` nationally (no scope) or in `scope`. */
export function holdsHere(actor: Actor, role: Role, scope: Scope): boolean {
  return actor.grants.some((g) => g.role === role && (g.scopeType === '' || (g.scopeType === scope.type && g.scopeId === scope.id)));
}

export function isSecretariat(actor: Actor): boolean {
  return holds(actor, 'secretariat');
}

/** The ids of the scopes of `type` in which the actor holds `role`. */
export function scopesOf(actor: Actor, role: Role, type: 'region' | 'member'): number[] {
  return actor.grants.filter((g) => g.role === role && g.scopeType === type).map((g) => g.scopeId);
}
