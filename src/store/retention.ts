/**
 * Why: the database keeps what dedupe, reminders and card updates need, and no more: processed events and finished
 * outbox rows are pruned on the scheduler's housekeeping tick (the audit log is never pruned), and no stored event
 * keeps the verification token.
 */
import type { PrismaClient } from './db.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';

const HOUR = 3_600_000;

/** Feishu redelivers an event it got no 200 for 15 s, 5 min, 1 h and 6 h after the attempt before (7 h 5 min 15 s in all). */
export const FEISHU_REDELIVERY_GAPS_MS: readonly number[] = [15_000, 5 * 60_000, HOUR, 6 * HOUR];
export const LAST_REDELIVERY_MS = FEISHU_REDELIVERY_GAPS_MS.reduce((a, b) => a + b, 0);
/** A processed event is kept 8 h past Feishu's last redelivery, so even a late redelivery is known as a duplicate. */
export const EVENT_RETENTION_MS = LAST_REDELIVERY_MS + 8 * HOUR;

/** The shortest outbox retention: cards can be updated for 14 days (by outbox id), and reminders count last week's sends. */
export const MIN_OUTBOX_RETENTION_DAYS = 15;

/**
 * The event as stored for recovery: without the verification token (`header.token` in schema 2.0, `token` in 1.0 and
 * in the url_verification challenge), nor any other field whose value is the token.
 */
export function storedPayload(raw: unknown, verificationToken?: string): string {
  const root = raw as Record<string, unknown> | null;
  const header = root && typeof root === 'object' ? root.header : undefined;
  return JSON.stringify(raw, function (this: unknown, key: string, value: unknown) {
    if (key === 'token' && (this === root || this === header)) return undefined;
    if (verificationToken && value === verificationToken) return undefined;
    return value;
  });
}

export interface RetentionOptions {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  /** Sent and failed outbox rows older than this are deleted (OUTBOX_RETENTION_DAYS). */
  outboxRetentionDays: number;
  /** Rows per delete (keeps each write short, so acknowledgements never wait long for the database). */
  batch?: number;
  /** Batches per run, per table; what is left waits for the next tick. */
  maxBatches?: number;
}

export interface PruneResult {
  events: number;
  outbox: number;
  /** Finished outbox rows past retention kept because a card update still refers to them. */
  kept: number;
}

export class Retention {
  private readonly batch: number;
  private readonly maxBatches: number;

  constructor(private readonly o: RetentionOptions) {
    this.batch = o.batch ?? 500;
    this.maxBatches = o.maxBatches ?? 40;
  }

  /** One pruning pass; safe to run at any time, and again. */
  async prune(): Promise<PruneResult> {
    const now = this.o.clock.now().getTime();
    const events = await this.pruneEvents(new Date(now - EVENT_RETENTION_MS));
    const { outbox, kept } = await this.pruneOutbox(new Date(now - this.o.outboxRetentionDays * 24 * HOUR));
    if (events || outbox) this.o.logger.info({ events, outbox, kept }, 'retention: pruned processed events and finished outbox rows');
    return { events, outbox, kept };
  }

  /** Events done, failed or skipped before the cutoff. Rows still 'received' are work not finished: they stay. */
  private async pruneEvents(before: Date): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.maxBatches; i++) {
      const rows = await this.o.prisma.processedEvent.findMany({
        where: { receivedAt: { lt: before }, status: { not: 'received' } },
        select: { eventId: true },
        orderBy: { receivedAt: 'asc' },
        take: this.batch,
      });
      if (!rows.length) break;
      const res = await this.o.prisma.processedEvent.deleteMany({ where: { eventId: { in: rows.map((r) => r.eventId) } } });
      total += res.count;
      if (rows.length < this.batch) break;
    }
    return total;
  }

  /** Sent and failed rows created before the cutoff, except those a card update still needs. */
  private async pruneOutbox(before: Date): Promise<{ outbox: number; kept: number }> {
    let total = 0;
    let kept = 0;
    let after = 0;
    for (let i = 0; i < this.maxBatches; i++) {
      const rows = await this.o.prisma.outboxMessage.findMany({
        where: { id: { gt: after }, createdAt: { lt: before }, status: { in: ['sent', 'failed'] } },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: this.batch,
      });
      if (!rows.length) break;
      after = rows[rows.length - 1]!.id;
      const ids = rows.map((r) => r.id);
      const needed = await this.referenced(ids);
      const doomed = ids.filter((id) => !needed.has(id));
      kept += needed.size;
      if (doomed.length) total += (await this.o.prisma.outboxMessage.deleteMany({ where: { id: { in: doomed } } })).count;
      if (rows.length < this.batch) break;
    }
    return { outbox: total, kept };
  }

  /**
   * Outbox rows something still points at by id: an application's progress card (patched as the checklist moves) and
   * unsent patches addressed `outbox:<id>`. A feature that stores an outbox id adds its lookup here.
   */
  private async referenced(ids: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    const apps = await this.o.prisma.application.findMany({ where: { progressOutboxId: { in: ids } }, select: { progressOutboxId: true } });
    for (const a of apps) if (a.progressOutboxId !== null) out.add(a.progressOutboxId);
    const patches = await this.o.prisma.outboxMessage.findMany({
      where: { status: { in: ['pending', 'sending'] }, patchMessageId: { in: ids.map((id) => `outbox:${id}`) } },
      select: { patchMessageId: true },
    });
    for (const p of patches) out.add(Number(p.patchMessageId!.slice('outbox:'.length)));
    return out;
  }
}
