/**
 * Why: the per-event hot path (the ack's dedupe insert, the event's status, the outbox's rows) behind one interface,
 * with one implementation per database: FastStore (prepared better-sqlite3 statements, one process) and PgHotStore
 * (node-postgres, several instances on one database). Callers await every method.
 */
import type { OutboxInsert, OutboxRow } from './fast.ts';
import { FastStore } from './fast.ts';
import { isPostgresUrl } from './pg.ts';
import { PgHotStore } from './hot-pg.ts';

export type { OutboxInsert, OutboxRow };

export interface EventInsert {
  eventId: string;
  eventType: string;
  chatId: string | null;
  messageId?: string | null;
  payload: string;
  receivedAt: Date;
  /** The per-chat queue the event is ordered in (PostgreSQL orders a chat's events across instances by it). */
  queueKey?: string | null;
}

export interface HotStore {
  /** Stores a new event; false when its event_id, or (for a message) its message_id, is already stored. */
  insertEvent(e: EventInsert): Promise<boolean>;
  eventStatus(eventId: string): Promise<string | undefined>;
  finishEvent(eventId: string, status: 'done' | 'failed', error: string | null, at: Date): Promise<void>;
  /** Inserts an outbox row; a repeated dedupe key returns the existing row with `duplicate: true`. */
  insertOutbox(row: OutboxInsert): Promise<{ id: number; uuid: string; duplicate: boolean }>;
  /** The lane's unsent rows after `lastId`, oldest first (on PostgreSQL: claimed for this instance). */
  pendingAfter(lane: string, lastId: number, take: number): Promise<OutboxRow[]>;
  markSent(id: number, attempts: number, messageId: string | null, at: Date): Promise<void>;
  markFailed(id: number, attempts: number, reason: string): Promise<void>;
  markDeferred(id: number, attempts: number, reason: string, next: Date): Promise<void>;
  close(): Promise<void> | void;
  /** PostgreSQL only: runs `fn` holding the chat's lock across instances, with the chat's older unfinished events. */
  withChat?<T>(queueKey: string, eventId: string, fn: (older: StoredEvent[]) => Promise<T>): Promise<T>;
  /** PostgreSQL only: a card callback's answer, stored so a redelivery to any instance is answered the same. */
  storeAnswer?(eventId: string, answer: unknown): Promise<void>;
  answerOf?(eventId: string): Promise<unknown | undefined>;
  /** PostgreSQL only: messages and card callbacks left 'received' since before `olderThan`, oldest first. */
  stale?(olderThan: Date, take: number): Promise<StoredEvent[]>;
}

/** An unfinished event as stored (PostgreSQL's per-chat ordering hands these to the instance holding the chat). */
export interface StoredEvent {
  eventId: string;
  eventType: string;
  payload: string;
  receivedAt: Date;
}

/** The hot-path store for the database URL. */
export function openHotStore(databaseUrl: string, instanceId: string): HotStore {
  return isPostgresUrl(databaseUrl) ? new PgHotStore(databaseUrl, instanceId) : new FastStore(databaseUrl);
}
