/** Why: who may do what, and where: roles with their region or bank scope, seeded secretariat, grants and revocations. */
import type { Db, PrismaClient } from './db.ts';
import { audit } from './audit.ts';
import type { Grant, Role } from '../domain/grants.ts';

export { ROLES, ROLE_SCOPE, type Grant, type Role } from '../domain/grants.ts';

/** A person's grants as the database has them now (pass a transaction to read them inside it). */
export async function grantsIn(db: Db, openId: string): Promise<Grant[]> {
  const rows = await db.roleGrant.findMany({ where: { openId } });
  return rows.map((r) => ({ role: r.role as Role, scopeType: r.scopeType as Grant['scopeType'], scopeId: r.scopeId }));
}

/** Cached grants only decide what `/help` lists; every act reads them fresh, so a revoke takes effect at once. */
const HELP_CACHE_MS = 5_000;

export class RoleService {
  private readonly cache = new Map<string, { grants: Grant[]; at: number }>();

  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  /** Makes sure every open_id in SECRETARIAT_OPEN_IDS holds the secretariat role (idempotent, audited once). */
  async seedSecretariat(openIds: readonly string[]): Promise<void> {
    this.cache.clear();
    for (const openId of openIds) {
      const existing = await this.prisma.roleGrant.findFirst({ where: { openId, role: 'secretariat' } });
      if (existing) continue;
      await this.prisma.$transaction(async (tx) => {
        const row = await tx.roleGrant.create({ data: { openId, role: 'secretariat', grantedBy: 'config:SECRETARIAT_OPEN_IDS', createdAt: this.now() } });
        await audit(tx, { actorId: 'system', action: 'role.seed', target: openId, after: { role: row.role }, at: this.now() });
      });
    }
  }

  /** A person's grants, read from the database now: what every privileged check uses. */
  async grantsOf(openId: string): Promise<Grant[]> {
    return grantsIn(this.prisma, openId);
  }

  /**
   * A person's grants for listing what `/help` shows them, cached briefly (help is asked often, e.g. as the answer to
   * anything not understood). Never use it to allow an act: it may be up to 5 s stale. Changes made here forget it.
   */
  async helpGrantsOf(openId: string): Promise<Grant[]> {
    const hit = this.cache.get(openId);
    if (hit && Date.now() - hit.at < HELP_CACHE_MS) return hit.grants;
    const grants = await grantsIn(this.prisma, openId);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(openId, { grants, at: Date.now() });
    return grants;
  }

  async has(openId: string, role: Role, scope?: { type: 'region' | 'member'; id: number }): Promise<boolean> {
    const grants = await this.grantsOf(openId);
    return grants.some((g) => g.role === role && (!scope || (g.scopeType === scope.type && g.scopeId === scope.id)));
  }

  /** Regions a person administers (all regions for the secretariat: returns 'all'). */
  async regionScope(openId: string, role: Role = 'regional_admin'): Promise<'all' | number[]> {
    const grants = await this.grantsOf(openId);
    if (grants.some((g) => g.role === 'secretariat')) return 'all';
    return grants.filter((g) => g.role === role && g.scopeType === 'region').map((g) => g.scopeId);
  }

  /** Grants a role (idempotent). Returns false when the person already held it. */
  async grant(actorId: string, openId: string, grant: Grant, name?: string): Promise<boolean> {
    this.cache.delete(openId);
    return this.forgetAfter(openId, this.prisma.$transaction(async (tx) => {
      const where = { openId, role: grant.role, scopeType: grant.scopeType, scopeId: grant.scopeId };
      if (await tx.roleGrant.findFirst({ where })) return false;
      await tx.roleGrant.create({ data: { ...where, name: name ?? null, grantedBy: actorId, createdAt: this.now() } });
      await audit(tx, { actorId, action: 'role.grant', target: openId, before: null, after: grant, at: this.now() });
      return true;
    }));
  }

  /** Revokes a role (all scopes of it when no scope is given). Returns how many grants were removed. */
  async revoke(actorId: string, openId: string, role: Role, scope?: { type: 'region' | 'member'; id: number }): Promise<number> {
    this.cache.delete(openId);
    return this.forgetAfter(openId, this.prisma.$transaction(async (tx) => {
      const where = { openId, role, ...(scope ? { scopeType: scope.type, scopeId: scope.id } : {}) };
      const rows = await tx.roleGrant.findMany({ where });
      if (!rows.length) return 0;
      await tx.roleGrant.deleteMany({ where });
      await audit(tx, { actorId, action: 'role.revoke', target: openId, before: rows.map((r) => ({ role: r.role, scopeType: r.scopeType, scopeId: r.scopeId })), after: null, at: this.now() });
      return rows.length;
    }));
  }

  /** Forgets the person's cached grants once the change is committed (a read in between may have cached the old ones). */
  private async forgetAfter<T>(openId: string, p: Promise<T>): Promise<T> {
    try {
      return await p;
    } finally {
      this.cache.delete(openId);
    }
  }

  /** The router's check: does the person hold any role the command allows? Grants are read fresh. */
  async allows(openId: string, roles: readonly string[] | undefined): Promise<{ ok: true } | { ok: false; needed: readonly string[] }> {
    if (!roles || roles.length === 0) return { ok: true };
    const grants = await this.grantsOf(openId);
    return grants.some((g) => roles.includes(g.role)) ? { ok: true } : { ok: false, needed: roles };
  }

  /** The same question for `/help`'s list, from the short-lived cache (it allows nothing by itself). */
  async lists(openId: string, roles: readonly string[] | undefined): Promise<boolean> {
    if (!roles || roles.length === 0) return true;
    return (await this.helpGrantsOf(openId)).some((g) => roles.includes(g.role));
  }
}
