/**
 * Why: every state change is one transaction — the check (grants and state read fresh, inside it), the new state, its
 * audit row and every outbox row it causes — so a crash at any instant leaves all of it or none. Refusals are part of
 * the record too: each one is audited (who, what, why) and logged at info.
 */
import type { Db, PrismaClient, Tx } from './db.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../clock.ts';
import type { Outbound, Sender } from '../send/sender.ts';
import type { Enqueued } from './outbox.ts';
import type { Actor } from '../domain/grants.ts';
import type { Refusal } from '../domain/decision.ts';
import { audit } from './audit.ts';
import { grantsIn } from './roles.ts';

/** The audit action of every refusal; `after.act` says what was attempted, `after.code` why it was refused. */
export const REFUSED_ACTION = 'refused';

export interface RefusalRecord {
  actorId: string;
  /** What was attempted, e.g. `review.decide`. */
  act: string;
  target?: string;
  refusal: Refusal;
}

/** Writes the refusal's audit row (through `db`, which may be a transaction) and logs it at info. */
export async function recordRefusal(db: Db, logger: Logger, at: Date, r: RefusalRecord): Promise<void> {
  const after = { act: r.act, code: r.refusal.code, ...(r.refusal.needRoles ? { needRoles: r.refusal.needRoles } : {}), ...(r.refusal.needStates ? { needStates: r.refusal.needStates } : {}), ...(r.refusal.params ? { params: r.refusal.params } : {}) };
  await audit(db, { actorId: r.actorId, action: REFUSED_ACTION, target: r.target, before: null, after, at });
  logger.info({ actor: r.actorId, act: r.act, target: r.target, code: r.refusal.code, needRoles: r.refusal.needRoles, needStates: r.refusal.needStates }, 'refused');
}

/** What a transaction's body can do: read and write through `tx`, read an actor's grants, audit, enqueue messages. */
export class Work {
  /** Ids of the outbox rows this transaction wrote (not duplicates): the drain is told of them after the commit. */
  readonly written: number[] = [];

  constructor(readonly tx: Tx, private readonly o: AtomicDeps) {}

  get now(): Date {
    return this.o.clock.now();
  }

  /** The person with their grants as they are now, read inside this transaction. */
  async actor(openId: string): Promise<Actor> {
    return { openId, grants: await grantsIn(this.tx, openId) };
  }

  async audit(actorId: string, action: string, target: string, before: unknown, after: unknown): Promise<void> {
    await audit(this.tx, { actorId, action, target, before, after, at: this.now });
  }

  /** Enqueues messages in this transaction; they are sent once it commits. */
  async send(m: Outbound | readonly Outbound[]): Promise<Enqueued[]> {
    const list = Array.isArray(m) ? (m as readonly Outbound[]) : [m as Outbound];
    if (!list.length) return [];
    const rows = await this.o.sender.enqueueIn(this.tx, list);
    for (const r of rows) if (!r.duplicate) this.written.push(r.id);
    return rows;
  }

  async refused(r: RefusalRecord): Promise<void> {
    await recordRefusal(this.tx, this.o.logger, this.now, r);
  }

}

export interface AtomicDeps {
  prisma: PrismaClient;
  sender: Sender;
  logger: Logger;
  clock: Clock;
}

/** A fan-out to 1,000 groups is two statements per 200 rows; this bound only guards against a stuck transaction. */
const TX_TIMEOUT_MS = 15_000;

export class Atomic {
  constructor(private readonly o: AtomicDeps) {}

  /** Runs `fn` in one transaction; once it has committed, wakes the sender for what it enqueued. */
  async run<T>(fn: (w: Work) => Promise<T>): Promise<T> {
    let work: Work | undefined;
    const result = await this.o.prisma.$transaction(
      async (tx) => {
        work = new Work(tx, this.o);
        return fn(work);
      },
      { timeout: TX_TIMEOUT_MS, maxWait: TX_TIMEOUT_MS },
    );
    if (work?.written.length) this.o.sender.afterCommit(work.written);
    return result;
  }

  /** Records a refusal outside any transaction (e.g. the router's role check). */
  refused(r: RefusalRecord): Promise<void> {
    return recordRefusal(this.o.prisma, this.o.logger, this.o.clock.now(), r);
  }
}
