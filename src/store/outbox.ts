/**
 * Why: a state change and the messages it causes must commit together, so a crash leaves all of them or none. These
 * rows go into the outbox through the caller's Prisma transaction (the Prisma API, so PostgreSQL works the same);
 * the sender drains them once the transaction has committed. A dedupe key already in the outbox is a no-op, as on
 * the hot path (FastStore).
 */
import type { Tx } from './db.ts';
import type { OutboxInsert } from './fast.ts';

export interface Enqueued {
  id: number;
  uuid: string;
  duplicate: boolean;
}

/** Rows per statement: well inside SQLite's and PostgreSQL's bound-parameter limits (15 columns each). */
const CHUNK = 200;

/**
 * Inserts outbox rows inside `tx`, skipping any whose dedupe key is already there (or repeated in the batch), and
 * returns, in input order, each row's id and whether it was a duplicate. Two statements per chunk, however many rows.
 */
export async function insertOutboxIn(tx: Tx, rows: readonly OutboxInsert[]): Promise<Enqueued[]> {
  const out: Enqueued[] = new Array(rows.length);
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const keys = chunk.map((r) => r.dedupeKey).filter((k): k is string => !!k);
    const existing = keys.length ? await tx.outboxMessage.findMany({ where: { dedupeKey: { in: keys } }, select: { id: true, uuid: true, dedupeKey: true } }) : [];
    const byKey = new Map(existing.map((e) => [e.dedupeKey!, { id: e.id, uuid: e.uuid }]));
    const fresh: OutboxInsert[] = [];
    const firstOf = new Map<string, number>();
    chunk.forEach((r, i) => {
      if (r.dedupeKey && (byKey.has(r.dedupeKey) || firstOf.has(r.dedupeKey))) return;
      if (r.dedupeKey) firstOf.set(r.dedupeKey, i);
      fresh.push(r);
    });
    const created = fresh.length
      ? await tx.outboxMessage.createManyAndReturn({
          data: fresh.map((r) => ({
            uuid: r.uuid, dedupeKey: r.dedupeKey, op: r.op, msgType: r.msgType, content: r.content,
            receiveIdType: r.receiveIdType ?? null, receiveId: r.receiveId ?? null, replyToId: r.replyToId ?? null, patchMessageId: r.patchMessageId ?? null,
            chatKey: r.chatKey ?? null, userKey: r.userKey ?? null, lane: r.lane, status: 'pending', attempts: 0, nextAttemptAt: r.createdAt, createdAt: r.createdAt,
          })),
          select: { id: true, uuid: true },
        })
      : [];
    const byUuid = new Map(created.map((c) => [c.uuid, c.id]));
    chunk.forEach((r, i) => {
      const prior = r.dedupeKey ? byKey.get(r.dedupeKey) : undefined;
      if (prior) {
        out[start + i] = { ...prior, duplicate: true };
        return;
      }
      // A key repeated within the batch shares the first row's uuid, so it finds that row and counts as a duplicate.
      const id = byUuid.get(r.uuid);
      if (id === undefined) throw new Error(`outbox row ${r.dedupeKey ?? r.uuid} was neither inserted nor found; its uuid may collide with another key's`);
      out[start + i] = { id, uuid: r.uuid, duplicate: !!r.dedupeKey && firstOf.get(r.dedupeKey) !== i };
    });
  }
  return out;
}
