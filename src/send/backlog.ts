/** Why: the drain's in-memory view of the outbox, one queue per lane, and the rule that picks the next row to send. */
import type { HotStore, OutboxRow } from '../store/hot.ts';
import type { Pace, RateLimiter } from './limiter.ts';
import { BulkPacer, FAST_BEFORE_BULK, LANES, type Lane } from './lanes.ts';

/** An outbox row as the drain holds it. */
export type Pending = OutboxRow & { lane: Lane; readyAt: number; rateHits: number; queuedAt: number };

/** One lane's rows loaded from the outbox, oldest first; rows retried after a failure stay here. */
interface LaneState {
  rows: Pending[];
  dirty: boolean;
  lastLoadedId: number;
  /** The last load was full: the outbox holds more of this lane than is in memory. */
  more: boolean;
  inflight: number;
}

export interface LaneStats {
  sent: number;
  /**
   * Pacing milliseconds a row waited in the outbox, from enqueue (or load, after a restart) until its request left, for
   * the last and the worst row: the queueing the lanes control, without Feishu's own latency.
   */
  lastWaitMs: number;
  maxWaitMs: number;
}

/** Rows loaded per query; a lane is refilled when it holds fewer than REFILL_BELOW. */
const TAKE = 1000;
const REFILL_BELOW = 500;

export class Backlog {
  private readonly lanes: Record<Lane, LaneState> = {
    fast: { rows: [], dirty: true, lastLoadedId: 0, more: false, inflight: 0 },
    bulk: { rows: [], dirty: true, lastLoadedId: 0, more: false, inflight: 0 },
  };
  /** Fast picks in a row while a bulk row was also ready (see FAST_BEFORE_BULK). */
  private fastStreak = 0;
  /** Pacing time each row was enqueued by this process, for LaneStats. */
  private readonly enqueuedAt = new Map<number, number>();
  private readonly pacer: BulkPacer;
  readonly stats: Record<Lane, LaneStats> = { fast: { sent: 0, lastWaitMs: 0, maxWaitMs: 0 }, bulk: { sent: 0, lastWaitMs: 0, maxWaitMs: 0 } };

  constructor(private readonly o: { fast: HotStore; limiter: RateLimiter; pace: Pace; concurrency: number }) {
    this.pacer = new BulkPacer(o.limiter);
  }

  /** New rows were written to `lane` (to both when not given): load them on the next fill. */
  markDirty(lane?: Lane): void {
    for (const l of lane ? [lane] : LANES) this.lanes[l].dirty = true;
  }

  noteEnqueued(id: number): void {
    this.enqueuedAt.set(id, this.o.pace.now());
  }

  get dirty(): boolean {
    return this.lanes.fast.dirty || this.lanes.bulk.dirty;
  }

  get size(): number {
    return this.lanes.fast.rows.length + this.lanes.bulk.rows.length;
  }

  /** Loads rows this process has not seen yet (ids only grow), lane by lane, so fast rows never wait behind bulk ones. */
  async fill(): Promise<void> {
    for (const lane of LANES) {
      const l = this.lanes[lane];
      if (!l.dirty) continue;
      if (l.rows.length >= REFILL_BELOW) {
        l.more = true; // rows were written that are not in memory yet: count the lane as large (see BulkPacer.regime)
        continue;
      }
      l.dirty = false;
      const rows = await this.o.fast.pendingAfter(lane, l.lastLoadedId, TAKE);
      const now = this.o.pace.now();
      for (const r of rows) l.rows.push({ ...r, lane, readyAt: now, rateHits: 0, queuedAt: this.enqueuedAt.get(r.id) ?? now });
      if (rows.length) l.lastLoadedId = rows[rows.length - 1]!.id;
      l.more = rows.length === TAKE;
      if (l.more) l.dirty = true;
    }
  }

  /**
   * The next row to send: the fast lane first, except that after FAST_BEFORE_BULK fast rows in a row a ready bulk row
   * goes; the bulk lane also waits for its pacer and leaves in-flight slots to the fast lane.
   */
  pick(now: number, busyChats: ReadonlySet<string>, inflight: number): { row?: Pending; waitMs: number } {
    if (inflight >= this.o.concurrency) return { waitMs: Infinity };
    const fast = this.pickIn(this.lanes.fast, now, busyChats);
    const b = this.lanes.bulk;
    let bulk: { row?: Pending; waitMs: number } = { waitMs: Infinity };
    if (b.rows.length && b.inflight < this.o.concurrency - this.pacer.reserve.inFlight) {
      const gate = this.pacer.waitTime(now, b.rows.length + (b.more ? TAKE : 0));
      bulk = gate > 0 ? { waitMs: gate } : this.pickIn(b, now, busyChats);
    }
    if (fast.row && bulk.row && this.fastStreak < FAST_BEFORE_BULK) {
      this.fastStreak++;
      return fast;
    }
    if (fast.row || bulk.row) this.fastStreak = 0;
    if (bulk.row) return bulk;
    if (fast.row) return fast;
    return { waitMs: Math.min(fast.waitMs, bulk.waitMs) };
  }

  /** The lane's first row that may go now, keeping each chat's rows in order. */
  private pickIn(lane: LaneState, now: number, busyChats: ReadonlySet<string>): { row?: Pending; waitMs: number } {
    const seen = new Set<string>();
    let waitMs = Infinity;
    for (const r of lane.rows) {
      const key = chatKeyOf(r);
      if (seen.has(key)) continue;
      seen.add(key);
      if (busyChats.has(key)) continue;
      if (r.readyAt > now) {
        waitMs = Math.min(waitMs, r.readyAt - now);
        continue;
      }
      const w = this.o.limiter.waitTime(now, r.chatKey, r.userKey);
      if (w > 0) {
        waitMs = Math.min(waitMs, w);
        continue;
      }
      return { row: r, waitMs: 0 };
    }
    return { waitMs };
  }

  /** The picked row leaves the backlog and counts against every window it passes. */
  take(row: Pending, now: number): void {
    const l = this.lanes[row.lane];
    l.rows.splice(l.rows.indexOf(row), 1);
    this.o.limiter.record(now, row.chatKey, row.userKey);
    if (row.lane === 'bulk') this.pacer.record(now);
    l.inflight++;
    const s = this.stats[row.lane];
    s.lastWaitMs = now - row.queuedAt;
    s.maxWaitMs = Math.max(s.maxWaitMs, s.lastWaitMs);
  }

  /** The row's request finished (whatever its outcome). */
  release(row: Pending): void {
    this.lanes[row.lane].inflight--;
  }

  /** A deferred row goes back in id order, to be retried at its readyAt. */
  requeue(row: Pending): void {
    const rows = this.lanes[row.lane].rows;
    rows.unshift(row);
    rows.sort((a, b) => a.id - b.id);
  }

  /** The row is done (sent, or failed for good). */
  settled(row: Pending, sent: boolean): void {
    this.enqueuedAt.delete(row.id);
    if (sent) this.stats[row.lane].sent++;
  }
}

/** The per-chat key a row is ordered and paced by. */
export function chatKeyOf(r: { chatKey: string | null; id: number }): string {
  return r.chatKey ?? `row:${r.id}`;
}
