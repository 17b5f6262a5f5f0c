/**
 * Why: the hot path (events, outbox) on PostgreSQL, shared by several instances: dedupe is the database's unique keys
 * (INSERT … ON CONFLICT DO NOTHING), a chat's events run one at a time across instances under a per-chat advisory lock,
 * oldest first, and the sender claims outbox rows with SELECT … FOR UPDATE SKIP LOCKED and a lease.
 */
import pg from 'pg';
import type { EventInsert, HotStore, OutboxInsert, OutboxRow, StoredEvent } from './hot.ts';
import { pgPoolConfig, pgTarget, stripNul } from './pg.ts';

/** How long a sender's claim on an outbox row holds if its instance stops renewing it (a new primary adopts at once). */
const CLAIM_LEASE = `interval '10 minutes'`;
const NOW = `(now() AT TIME ZONE 'UTC')`;
/** Timestamps are stored as UTC wall time in TIMESTAMP(3) columns, as Prisma writes them. */
const ts = (d: Date): string => d.toISOString();

export class PgHotStore implements HotStore {
  readonly pool: pg.Pool;

  constructor(databaseUrl: string, readonly instanceId: string) {
    this.pool = new pg.Pool({ ...pgPoolConfig(pgTarget(databaseUrl), 16), idleTimeoutMillis: 10_000 });
    // A connection dropped by the server (restart, failover) is replaced on the next query; never crash the process.
    this.pool.on('error', () => undefined);
  }

  /** Every query goes through here: PostgreSQL text cannot hold NUL, which a forged request may carry in any field. */
  private q<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params.map((v) => (typeof v === 'string' ? stripNul(v) : v)));
  }

  async insertEvent(e: EventInsert): Promise<boolean> {
    const r = await this.q(
      // DO NOTHING covers both unique keys: a repeated event_id, and a message redelivered under a new event_id.
      `INSERT INTO "ProcessedEvent" ("eventId","eventType","chatId","messageId","payload","status","receivedAt","queueKey") VALUES ($1,$2,$3,$4,$5,'received',$6,$7) ON CONFLICT DO NOTHING`,
      [e.eventId, e.eventType, e.chatId, e.messageId ?? null, stripNul(e.payload), ts(e.receivedAt), e.queueKey ?? null],
    );
    return r.rowCount === 1;
  }

  async eventStatus(eventId: string): Promise<string | undefined> {
    const r = await this.q<{ status: string }>(`SELECT "status" FROM "ProcessedEvent" WHERE "eventId" = $1`, [eventId]);
    return r.rows[0]?.status;
  }

  async finishEvent(eventId: string, status: 'done' | 'failed', error: string | null, at: Date): Promise<void> {
    await this.q(`UPDATE "ProcessedEvent" SET "status" = $1, "error" = $2, "finishedAt" = $3 WHERE "eventId" = $4`, [status, error === null ? null : stripNul(error), ts(at), eventId]);
  }

  async insertOutbox(row: OutboxInsert): Promise<{ id: number; uuid: string; duplicate: boolean }> {
    const r = await this.q<{ id: number }>(
      `INSERT INTO "OutboxMessage" ("uuid","dedupeKey","op","msgType","content","receiveIdType","receiveId","replyToId","patchMessageId","chatKey","userKey","lane","status","attempts","nextAttemptAt","createdAt")
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'pending',0,$13,$13) ON CONFLICT DO NOTHING RETURNING "id"`,
      [row.uuid, row.dedupeKey, row.op, row.msgType, stripNul(row.content), row.receiveIdType ?? null, row.receiveId ?? null, row.replyToId ?? null, row.patchMessageId ?? null, row.chatKey ?? null, row.userKey ?? null, row.lane, ts(row.createdAt)],
    );
    if (r.rows[0]) return { id: r.rows[0].id, uuid: row.uuid, duplicate: false };
    const existing = (await this.q<{ id: number; uuid: string }>(`SELECT "id","uuid" FROM "OutboxMessage" WHERE "dedupeKey" = $1`, [row.dedupeKey])).rows[0];
    if (!existing) throw new Error(`outbox row for ${row.dedupeKey ?? row.uuid} was neither inserted nor found; its uuid may collide`);
    return { ...existing, duplicate: true };
  }

  /**
   * Claims the lane's unsent rows that no sender holds, for this instance, and returns each row once. Not "after
   * lastId" as on SQLite: concurrent inserts on PostgreSQL may commit their ids out of order, so a row with a smaller id
   * can appear after a larger one was loaded; the claim, not the id, tells which rows this sender already has.
   */
  async pendingAfter(lane: string, lastId: number, take: number): Promise<OutboxRow[]> {
    const r = await this.q<OutboxRow>(
      `WITH c AS (
         SELECT "id" FROM "OutboxMessage"
         WHERE "lane" = $1 AND "status" IN ('pending','sending') AND $2::int >= 0 -- lastId: unused here, see above
           AND ("claimedBy" IS NULL OR ("claimedBy" <> $4 AND "claimUntil" < ${NOW}))
         ORDER BY "id" LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE "OutboxMessage" o SET "claimedBy" = $4, "claimUntil" = ${NOW} + ${CLAIM_LEASE} FROM c WHERE o."id" = c."id"
       RETURNING o."id",o."uuid",o."op",o."receiveIdType",o."receiveId",o."replyToId",o."patchMessageId",o."msgType",o."content",o."chatKey",o."userKey",o."attempts"`,
      [lane, lastId, take, this.instanceId],
    );
    return r.rows.sort((a, b) => a.id - b.id);
  }

  /** The new primary takes over the claims of the one before it (which is gone: it held the primary lock until then). */
  async adoptClaims(): Promise<number> {
    const r = await this.q(`UPDATE "OutboxMessage" SET "claimedBy" = NULL WHERE "status" IN ('pending','sending') AND "claimedBy" IS NOT NULL AND "claimedBy" <> $1`, [this.instanceId]);
    return r.rowCount ?? 0;
  }

  async markSent(id: number, attempts: number, messageId: string | null, at: Date): Promise<void> {
    await this.q(`UPDATE "OutboxMessage" SET "status"='sent',"attempts"=$1,"messageId"=$2,"sentAt"=$3,"lastError"=NULL WHERE "id"=$4`, [attempts, messageId, ts(at), id]);
  }

  async markFailed(id: number, attempts: number, reason: string): Promise<void> {
    await this.q(`UPDATE "OutboxMessage" SET "status"='failed',"attempts"=$1,"lastError"=$2 WHERE "id"=$3`, [attempts, stripNul(reason), id]);
  }

  async markDeferred(id: number, attempts: number, reason: string, next: Date): Promise<void> {
    await this.q(`UPDATE "OutboxMessage" SET "status"='pending',"attempts"=$1,"lastError"=$2,"nextAttemptAt"=$3 WHERE "id"=$4`, [attempts, stripNul(reason), ts(next), id]);
  }

  /**
   * Runs `fn` holding the chat's advisory lock, so one chat's events run one at a time across every instance. `fn`
   * gets the chat's older unfinished events (received here or elsewhere, in arrival order) to run first.
   */
  async withChat<T>(rawKey: string, rawEventId: string, fn: (older: StoredEvent[]) => Promise<T>): Promise<T> {
    const [queueKey, eventId] = [stripNul(rawKey), stripNul(rawEventId)];
    const client = await this.pool.connect();
    let locked = false;
    try {
      await client.query(`SELECT pg_advisory_lock(hashtextextended($1, 17))`, [`chat:${queueKey}`]);
      locked = true;
      const older = await client.query<StoredEvent>(
        `SELECT "eventId","eventType","payload",("receivedAt" AT TIME ZONE 'UTC') AS "receivedAt" FROM "ProcessedEvent"
         WHERE "queueKey" = $1 AND "status" = 'received' AND "eventId" <> $2
           AND "seq" < COALESCE((SELECT "seq" FROM "ProcessedEvent" WHERE "eventId" = $2), 9223372036854775807)
         ORDER BY "seq" LIMIT 100`,
        [queueKey, eventId],
      );
      return await fn(older.rows);
    } finally {
      if (locked) await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 17))`, [`chat:${queueKey}`]).catch(() => undefined);
      client.release();
    }
  }

  /** Runs `fn` holding a named session advisory lock (e.g. the scheduler's tick, so two instances never tick at once). */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let locked = false;
    try {
      await client.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [name]);
      locked = true;
      return await fn();
    } finally {
      if (locked) await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [name]).catch(() => undefined);
      client.release();
    }
  }

  /** Stores a card callback's inline answer, so a redelivery (to any instance) is answered the same. */
  async storeAnswer(eventId: string, answer: unknown): Promise<void> {
    await this.q(`UPDATE "ProcessedEvent" SET "answer" = $1 WHERE "eventId" = $2`, [stripNul(JSON.stringify(answer ?? {})), eventId]);
  }

  async answerOf(eventId: string): Promise<unknown | undefined> {
    const r = await this.q<{ answer: string | null }>(`SELECT "answer" FROM "ProcessedEvent" WHERE "eventId" = $1`, [eventId]);
    const a = r.rows[0]?.answer;
    return a ? (JSON.parse(a) as unknown) : undefined;
  }

  /** Events left 'received' longer than `olderThanMs` (their instance may have died), oldest first. */
  async stale(olderThan: Date, take: number): Promise<StoredEvent[]> {
    const r = await this.q<StoredEvent>(
      `SELECT "eventId","eventType","payload",("receivedAt" AT TIME ZONE 'UTC') AS "receivedAt" FROM "ProcessedEvent" WHERE "status" = 'received' AND "receivedAt" < $1
         AND "eventType" IN ('im.message.receive_v1','card.action.trigger') ORDER BY "seq" LIMIT $2`,
      [ts(olderThan), take],
    );
    return r.rows;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
