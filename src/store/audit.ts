/** Why: every change of state leaves an append-only row: who, what, when, before and after. */
import type { PrismaClient, Tx } from './db.ts';

export interface AuditEntry {
  actorId: string;
  action: string;
  target?: string;
  before?: unknown;
  after?: unknown;
  at: Date;
}

type AuditWriter = Pick<PrismaClient, 'auditLog'> | Pick<Tx, 'auditLog'>;

export async function audit(db: AuditWriter, e: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actorId: e.actorId,
      action: e.action,
      target: e.target ?? null,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      at: e.at,
    },
  });
}
