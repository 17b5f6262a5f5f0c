/** Why: the one outbound path: every message is written to the outbox, then sent once, paced to Feishu's limits, with retries. */
import type { PrismaClient, Tx } from '../store/db.ts';
import type { HotStore, OutboxRow } from '../store/hot.ts';
import { insertOutboxIn, type Enqueued } from '../store/outbox.ts';
import type { Logger } from '../log.ts';
import type { Clock } from '../clock.ts';
import { dropCachedToken, type LarkClient } from './client.ts';
import { RateLimiter, realPace, type Pace } from './limiter.ts';
import { laneFor, type Lane } from './lanes.ts';
import { Backlog, chatKeyOf, type LaneStats, type Pending } from './backlog.ts';
import { classifyError, classifyResponse, type SendOutcome } from './errors.ts';
import { callFeishu, UnsentPatchTarget } from './ops.ts';
import { outboxRow, type Outbound } from './outbound.ts';

export { MAX_CARD_BYTES, MessageTooLargeError, uuidFor, type Outbound } from './outbound.ts';

/** An outbox row as the drain works with it (read by HotStore.pendingAfter). */
export type Row = OutboxRow;

export interface SenderOptions {
  prisma: PrismaClient;
  /** Prepared statements for the outbox's hot path. */
  fast: HotStore;
  lark: LarkClient;
  logger: Logger;
  clock: Clock;
  pace?: Pace;
  limiter?: RateLimiter;
  concurrency?: number;
  maxAttempts?: number;
  /** How often a waiter on a standby instance checks whether another instance sent its row (OUTBOX_POLL_MS). */
  watchMs?: number;
}

export class Sender {
  private readonly pace: Pace;
  private readonly limiter: RateLimiter;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly backlog: Backlog;
  private readonly inflight = new Set<number>();
  private readonly busyChats = new Set<string>();
  private readonly sends = new Set<Promise<void>>();
  private running = false;
  private pumping: Promise<void> | null = null;
  private pumpActive = false;
  private wake: (() => void) | null = null;
  /** Counts wake-ups; one that comes while the drain awaits a load (PostgreSQL) has no nap to end, and is seen here. */
  private wakes = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly deliveredWaiters = new Map<number, Array<(messageId: string | null) => void>>();
  readonly stats = { sent: 0, rateLimited: 0, retried: 0, failed: 0 };
  /** Attempts in a row that failed (rate limits excluded), the last reason, the last success: /healthz reads them. */
  readonly streak = { failures: 0, lastError: null as string | null, lastOkAt: null as Date | null };

  constructor(private readonly o: SenderOptions) {
    this.pace = o.pace ?? realPace;
    this.limiter = o.limiter ?? new RateLimiter();
    this.concurrency = o.concurrency ?? 16;
    this.maxAttempts = o.maxAttempts ?? 12;
    this.backlog = new Backlog({ fast: o.fast, limiter: this.limiter, pace: this.pace, concurrency: this.concurrency });
  }

  /** Sends per lane, and how long (pacing ms) the last and the slowest row waited from enqueue to Feishu's answer. */
  get laneStats(): Record<Lane, LaneStats> {
    return this.backlog.stats;
  }

  /** Writes the outbox row (idempotent on dedupeKey) and wakes the drain. */
  async enqueue(m: Outbound): Promise<{ id: number; uuid: string; duplicate: boolean }> {
    const row = await this.o.fast.insertOutbox(outboxRow(m, this.o.clock.now()));
    if (!row.duplicate) {
      if (this.running) this.backlog.noteEnqueued(row.id);
      this.kick(laneFor(m));
    }
    return row;
  }

  /**
   * Writes outbox rows through a Prisma transaction, so they commit (or roll back) with the state change that causes
   * them. A repeated dedupeKey is a no-op. The drain cannot see the rows before the commit: call `afterCommit` with
   * the new ids once it has committed (src/store/atomic.ts does).
   */
  async enqueueIn(tx: Tx, m: Outbound | readonly Outbound[]): Promise<Enqueued[]> {
    const list = Array.isArray(m) ? (m as readonly Outbound[]) : [m as Outbound];
    return insertOutboxIn(tx, list.map((x) => outboxRow(x, this.o.clock.now())));
  }

  /** Wakes the drain (both lanes) for rows a committed transaction wrote. */
  afterCommit(ids: readonly number[]): void {
    if (this.running) for (const id of ids) this.backlog.noteEnqueued(id);
    this.kick();
  }

  /** Resolves with the Feishu message_id once the row is sent (null if it failed for good). */
  async delivered(outboxId: number): Promise<string | null> {
    const row = await this.o.prisma.outboxMessage.findUnique({ where: { id: outboxId }, select: { status: true, messageId: true } });
    if (!row) return null;
    if (row.status === 'sent') return row.messageId;
    if (row.status === 'failed') return null;
    return new Promise((resolve) => {
      const list = this.deliveredWaiters.get(outboxId) ?? [];
      list.push(resolve);
      this.deliveredWaiters.set(outboxId, list);
      this.kick();
      // A standby instance (PostgreSQL) does not send: another instance's sender will, so watch the row instead.
      if (!this.running) this.watchDelivered(outboxId);
    });
  }

  /** Polls a row another instance sends until it is sent or failed, then resolves its waiters. */
  private watchDelivered(outboxId: number): void {
    const timer = setInterval(() => {
      if (!this.deliveredWaiters.has(outboxId)) return clearInterval(timer);
      void this.o.prisma.outboxMessage
        .findUnique({ where: { id: outboxId }, select: { status: true, messageId: true } })
        .then((row) => {
          if (row && row.status !== 'sent' && row.status !== 'failed') return;
          clearInterval(timer);
          this.resolveDelivered(outboxId, row?.status === 'sent' ? row.messageId : null);
        })
        .catch(() => undefined);
    }, this.o.watchMs ?? 1000);
    timer.unref();
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.pumping;
    await Promise.all([...this.sends]);
  }

  /** Wakes the drain to load new rows of `lane` (of both lanes when not given, e.g. after a transactional insert). */
  kick(lane?: Lane): void {
    if (!this.running) return;
    this.backlog.markDirty(lane);
    this.wakes++;
    if (this.wake) this.wake();
    if (!this.pumpActive) {
      this.pumpActive = true;
      this.pumping = this.pump();
    }
  }

  /** Resolves when nothing is pending or in flight (tests and graceful shutdown use it). */
  idle(): Promise<void> {
    if (!this.pumpActive && this.inflight.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async pump(): Promise<void> {
    try {
      while (this.running) {
        const wakes = this.wakes;
        await this.backlog.fill();
        if (this.backlog.size === 0 && this.inflight.size === 0 && !this.backlog.dirty) break;
        const now = this.pace.now();
        const { row, waitMs } = this.backlog.pick(now, this.busyChats, this.inflight.size);
        if (!row) {
          if (this.wakes !== wakes) continue; // woken during the load: look again instead of sleeping through it
          await this.nap(waitMs);
          continue;
        }
        const key = chatKeyOf(row);
        this.backlog.take(row, now);
        this.inflight.add(row.id);
        this.busyChats.add(key);
        const p: Promise<void> = this.sendOne(row)
          .catch((err) => this.o.logger.error({ err, outboxId: row.id }, 'outbox row could not be updated; it is retried after a restart'))
          .finally(() => {
            this.sends.delete(p);
            this.backlog.release(row);
            this.inflight.delete(row.id);
            this.busyChats.delete(key);
            this.wakes++;
            this.wake?.();
          });
        this.sends.add(p);
      }
    } catch (err) {
      this.o.logger.error({ err }, 'outbox drain stopped on an error; it restarts on the next message');
    } finally {
      this.pumpActive = false;
      if (this.running && this.backlog.dirty) this.kick();
      else if (this.inflight.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  /** Sleeps until the next row is due, or until woken by a new message or a finished send. */
  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.wake = null;
        resolve();
      };
      this.wake = finish;
      if (Number.isFinite(ms)) void this.pace.sleep(Math.max(1, ms)).then(finish);
    });
  }

  private async sendOne(row: Pending): Promise<void> {
    // No 'sending' write before the call: a row found pending after a crash is resent with the same uuid, which
    // Feishu treats as the same message, so the extra write would buy nothing.
    row.attempts += 1;
    let outcome: SendOutcome;
    let askedFeishu = true;
    try {
      outcome = classifyResponse(await callFeishu(this.o.lark, this.o.prisma, row, this.o.clock));
    } catch (err) {
      askedFeishu = !(err instanceof UnsentPatchTarget);
      outcome = askedFeishu ? classifyError(err) : { kind: 'transient', reason: (err as Error).message };
    }
    const now = this.pace.now();
    if (outcome.kind === 'ok') {
      this.stats.sent++;
      Object.assign(this.streak, { failures: 0, lastError: null, lastOkAt: this.o.clock.now() });
      this.backlog.settled(row, true);
      await this.o.fast.markSent(row.id, row.attempts, outcome.messageId ?? null, this.o.clock.now());
      this.resolveDelivered(row.id, outcome.messageId ?? null);
      return;
    }
    if (/\b9999166[13]\b/.test(outcome.reason)) dropCachedToken(this.o.lark);
    // A patch waiting for its card to be sent never reached Feishu: it says nothing about the sender's health.
    if (outcome.kind !== 'rate_limited' && askedFeishu) Object.assign(this.streak, { failures: this.streak.failures + 1, lastError: outcome.reason });
    const retryable = outcome.kind === 'rate_limited' ? row.rateHits < 50 : outcome.kind === 'transient' && row.attempts < this.maxAttempts;
    if (!retryable) {
      this.stats.failed++;
      this.o.logger.error({ outboxId: row.id, reason: outcome.reason }, 'message failed for good');
      this.backlog.settled(row, false);
      await this.o.fast.markFailed(row.id, row.attempts, outcome.reason);
      this.resolveDelivered(row.id, null);
      return;
    }
    let delay: number;
    if (outcome.kind === 'rate_limited') {
      this.stats.rateLimited++;
      row.rateHits++;
      row.attempts -= 1; // being told to slow down is not a failed attempt
      delay = outcome.resetMs;
      this.limiter.penalise(now + delay, outcome.scope === 'chat' ? row.chatKey : null);
    } else {
      this.stats.retried++;
      delay = Math.min(60_000, 500 * 2 ** (row.attempts - 1));
    }
    row.readyAt = now + delay;
    this.o.logger.warn({ outboxId: row.id, reason: outcome.reason, retryInMs: delay }, 'send deferred');
    await this.o.fast.markDeferred(row.id, row.attempts, outcome.reason, new Date(this.o.clock.now().getTime() + delay));
    this.backlog.requeue(row);
  }

  private resolveDelivered(id: number, messageId: string | null): void {
    const list = this.deliveredWaiters.get(id);
    this.deliveredWaiters.delete(id);
    for (const r of list ?? []) r(messageId);
  }
}

