/**
 * Why: the per-event hot path (the ack's dedupe insert, the event's status, the outbox's rows) on prepared
 * better-sqlite3 statements. Prisma compiles every query in wasm (~1–2 ms of CPU each), which starved the 3 s ack
 * under load; these statements cost microseconds. Everything else stays on Prisma; both use the same file and format.
 */
import Database from 'better-sqlite3';
import { sqlitePath } from './migrate.ts';
import type { EventInsert, HotStore } from './hot.ts';

/** Prisma's DateTime text format for SQLite (ISO with an explicit +00:00), so Prisma reads these rows as its own. */
export const sqlDate = (d: Date): string => d.toISOString().replace('Z', '+00:00');

export interface OutboxInsert {
  uuid: string;
  dedupeKey: string | null;
  op: string;
  msgType: string;
  content: string;
  receiveIdType?: string | null;
  receiveId?: string | null;
  replyToId?: string | null;
  patchMessageId?: string | null;
  chatKey?: string | null;
  userKey?: string | null;
  /** fast | bulk (src/send/lanes.ts laneFor). */
  lane: string;
  createdAt: Date;
}

export interface OutboxRow {
  id: number;
  uuid: string;
  op: string;
  receiveIdType: string | null;
  receiveId: string | null;
  replyToId: string | null;
  patchMessageId: string | null;
  msgType: string;
  content: string;
  chatKey: string | null;
  userKey: string | null;
  attempts: number;
}

/** A stored event not finished yet, in stored order (the threaded mode hands these to its worker, src/worker/). */
export interface ReceivedEvent {
  seq: number;
  eventId: string;
  eventType: string;
  payload: string;
  receivedAt: Date;
}

export interface FastStoreOptions {
  /**
   * false: this connection never runs WAL checkpoints (the threaded mode's acknowledging main thread; the worker's
   * connections checkpoint). Default true.
   */
  checkpoints?: boolean;
}

export class FastStore implements HotStore {
  private readonly db: Database.Database;
  private readonly st;

  constructor(databaseUrl: string, options: FastStoreOptions = {}) {
    this.db = new Database(sqlitePath(databaseUrl));
    this.db.pragma('journal_mode = WAL');
    if (options.checkpoints === false) this.db.pragma('wal_autocheckpoint = 0');
    // WAL with synchronous=NORMAL: a commit survives the process being killed (the kill -9 fault test), and only an
    // OS crash or power cut may lose the last commits, which Feishu's redelivery then brings again. FULL would fsync
    // on every event and hold the event loop for each ack.
    this.db.pragma('synchronous = NORMAL');
    // Never block the thread waiting for a lock that Prisma (on this same thread) holds: retry asynchronously instead.
    this.db.pragma('busy_timeout = 0');
    this.st = {
      insertEvent: this.db.prepare(
        // OR IGNORE covers both unique keys: a repeated event_id, and a message redelivered under a new event_id.
        `INSERT OR IGNORE INTO "ProcessedEvent" ("eventId","eventType","chatId","messageId","payload","status","receivedAt") VALUES (?,?,?,?,?,'received',?)`,
      ),
      receivedAfter: this.db.prepare(
        `SELECT rowid AS "seq","eventId","eventType","payload","receivedAt" FROM "ProcessedEvent" WHERE "status" = 'received' AND rowid > ? ORDER BY rowid ASC LIMIT ?`,
      ),
      backlog: this.db.prepare(`SELECT COUNT(*) AS "n", MIN("receivedAt") AS "oldest" FROM "ProcessedEvent" WHERE "status" = 'received'`),
      eventStatus: this.db.prepare(`SELECT "status" FROM "ProcessedEvent" WHERE "eventId" = ?`),
      finishEvent: this.db.prepare(`UPDATE "ProcessedEvent" SET "status" = ?, "error" = ?, "finishedAt" = ? WHERE "eventId" = ?`),
      insertOutbox: this.db.prepare(
        `INSERT OR IGNORE INTO "OutboxMessage" ("uuid","dedupeKey","op","msgType","content","receiveIdType","receiveId","replyToId","patchMessageId","chatKey","userKey","lane","status","attempts","nextAttemptAt","createdAt")
         VALUES (@uuid,@dedupeKey,@op,@msgType,@content,@receiveIdType,@receiveId,@replyToId,@patchMessageId,@chatKey,@userKey,@lane,'pending',0,@createdAt,@createdAt)`,
      ),
      outboxByKey: this.db.prepare(`SELECT "id","uuid" FROM "OutboxMessage" WHERE "dedupeKey" = ?`),
      pendingAfter: this.db.prepare(
        `SELECT "id","uuid","op","receiveIdType","receiveId","replyToId","patchMessageId","msgType","content","chatKey","userKey","attempts"
         FROM "OutboxMessage" WHERE "lane" = ? AND "status" IN ('pending','sending') AND "id" > ? ORDER BY "id" ASC LIMIT ?`,
      ),
      sent: this.db.prepare(`UPDATE "OutboxMessage" SET "status"='sent',"attempts"=?,"messageId"=?,"sentAt"=?,"lastError"=NULL WHERE "id"=?`),
      failed: this.db.prepare(`UPDATE "OutboxMessage" SET "status"='failed',"attempts"=?,"lastError"=? WHERE "id"=?`),
      deferred: this.db.prepare(`UPDATE "OutboxMessage" SET "status"='pending',"attempts"=?,"lastError"=?,"nextAttemptAt"=? WHERE "id"=?`),
    };
  }

  /** Runs a statement; on SQLITE_BUSY (Prisma holds the write lock in a transaction) waits a little and retries. */
  private async retry<T>(fn: () => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return fn();
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || attempt > 2000) throw err;
        await new Promise((r) => setTimeout(r, Math.min(20, 1 + attempt)));
      }
    }
  }

  /**
   * Stores a new event; false when its event_id is already there, or (for a message) its message_id is: Feishu may
   * redeliver one message under a new event_id.
   */
  insertEvent(e: EventInsert): Promise<boolean> {
    return this.retry(() => this.st.insertEvent.run(e.eventId, e.eventType, e.chatId, e.messageId ?? null, e.payload, sqlDate(e.receivedAt)).changes === 1);
  }

  async eventStatus(eventId: string): Promise<string | undefined> {
    return (this.st.eventStatus.get(eventId) as { status: string } | undefined)?.status;
  }

  /** Unfinished events stored after `afterSeq` (0: all), oldest first. */
  async receivedAfter(afterSeq: number, take: number): Promise<ReceivedEvent[]> {
    const rows = await this.retry(() => this.st.receivedAfter.all(afterSeq, take) as Array<Omit<ReceivedEvent, 'receivedAt'> & { receivedAt: string }>);
    return rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt) }));
  }

  /** How many stored events are not finished, and when the oldest of them came. */
  async eventBacklog(): Promise<{ received: number; oldestReceivedAt: Date | null }> {
    const r = await this.retry(() => this.st.backlog.get() as { n: number; oldest: string | null });
    return { received: r.n, oldestReceivedAt: r.oldest ? new Date(r.oldest) : null };
  }

  finishEvent(eventId: string, status: 'done' | 'failed', error: string | null, at: Date): Promise<void> {
    return this.retry(() => void this.st.finishEvent.run(status, error, sqlDate(at), eventId));
  }

  /** Inserts an outbox row; a repeated dedupe key returns the existing row with `duplicate: true`. */
  insertOutbox(row: OutboxInsert): Promise<{ id: number; uuid: string; duplicate: boolean }> {
    return this.retry(() => {
      const r = this.st.insertOutbox.run({
        receiveIdType: null, receiveId: null, replyToId: null, patchMessageId: null, chatKey: null, userKey: null,
        ...row,
        createdAt: sqlDate(row.createdAt),
      });
      if (r.changes === 1) return { id: Number(r.lastInsertRowid), uuid: row.uuid, duplicate: false };
      const existing = this.st.outboxByKey.get(row.dedupeKey) as { id: number; uuid: string } | undefined;
      if (!existing) throw new Error(`outbox row for ${row.dedupeKey ?? row.uuid} was neither inserted nor found; its uuid may collide`);
      return { ...existing, duplicate: true };
    });
  }

  /** The lane's unsent rows after `lastId`, oldest first. */
  async pendingAfter(lane: string, lastId: number, take: number): Promise<OutboxRow[]> {
    return this.st.pendingAfter.all(lane, lastId, take) as OutboxRow[];
  }

  markSent(id: number, attempts: number, messageId: string | null, at: Date): Promise<void> {
    return this.retry(() => void this.st.sent.run(attempts, messageId, sqlDate(at), id));
  }

  markFailed(id: number, attempts: number, reason: string): Promise<void> {
    return this.retry(() => void this.st.failed.run(attempts, reason, id));
  }

  markDeferred(id: number, attempts: number, reason: string, next: Date): Promise<void> {
    return this.retry(() => void this.st.deferred.run(attempts, reason, sqlDate(next), id));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
