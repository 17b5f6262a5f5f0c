/**
 * Why: a person who just acted must not wait behind thousands of reminders. Every outbox row is given a lane when it
 * is written (fast: answers to people; bulk: fan-out), and the bulk lane is paced so that it never takes the slots a
 * person's answer needs, while still finishing within Feishu's per-minute bound.
 */
import { FEISHU_LIMITS, type Limits, type RateLimiter } from './limiter.ts';

export type Lane = 'fast' | 'bulk';
export const LANES: readonly Lane[] = ['fast', 'bulk'];

/**
 * Dedupe-key prefixes of fan-out that nobody is waiting on right now: deadline reminders, campaign announcements and
 * close notices to every group, publicity lists, commendations, inspection results, and the note that an idle dialog
 * ended. Everything else (replies, card updates, a p2p answer to the person who clicked, the notices one person's act
 * causes) is fast. Writers that know better pass `lane` explicitly.
 */
export const BULK_KEY_PREFIXES: readonly string[] = ['reminder:', 'announce:', 'closed:', 'publicity:', 'commend:', 'result:', 'apply:expired:'];

/**
 * The one lane decision, shared by every path that writes an outbox row (Sender.enqueue, and transactional inserts
 * through Prisma): call it with the message being written and store the result in OutboxMessage.lane.
 */
export function laneFor(m: { lane?: Lane | null; dedupeKey?: string | null }): Lane {
  if (m.lane) return m.lane;
  const key = m.dedupeKey ?? '';
  return BULK_KEY_PREFIXES.some((p) => key.startsWith(p)) ? 'bulk' : 'fast';
}

/** What the bulk lane leaves free at all times for the fast lane. */
export interface LaneReserve {
  /** App-wide sends per second window the bulk lane never uses. */
  perSecond: number;
  /** App-wide sends per minute window the bulk lane never uses. */
  perMinute: number;
  /** Concurrent requests the bulk lane never uses. */
  inFlight: number;
}

export const DEFAULT_RESERVE: LaneReserve = { perSecond: 5, perMinute: 20, inFlight: 4 };

/** After this many fast sends in a row while a bulk row was ready, one bulk row goes: bulk always gets ≥ 1 in 5. */
export const FAST_BEFORE_BULK = 4;

/**
 * Paces the bulk lane. Two regimes:
 * - burst: when everything the bulk lane holds fits in what is left of the minute window (less the reserve), it goes
 *   at the per-second rate less the reserve: a 40-group announcement takes about a second;
 * - spread: otherwise the minute window is the binding limit anyway, so bulk sends are spaced evenly at the
 *   per-minute rate (60.05 ms apart at 1,000/min). The total time stays at the bound, and the window frees a slot
 *   every 60 ms instead of once a minute, so a person's answer never waits for a window that bulk filled in its first
 *   20 seconds.
 * In both, the minute window's last `reserve.perMinute` slots are the fast lane's unless they free up again within
 * `reserve.perMinute` spacings (which they do while bulk is spread evenly): a person never waits longer than that.
 */
export class BulkPacer {
  private lastAt = -Infinity;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: Limits = FEISHU_LIMITS,
    readonly reserve: LaneReserve = DEFAULT_RESERVE,
  ) {}

  /** Milliseconds between bulk sends when spreading: the minute window (with its margin) over the per-minute limit. */
  get spacingMs(): number {
    return (60_000 + this.limits.marginMs) / this.limits.appPerMinute;
  }

  /** Milliseconds until the bulk lane may send again (0 = now), given how many bulk messages are waiting. */
  waitTime(now: number, waiting: number): number {
    const { appPerSecond, appPerMinute } = this.limits;
    const spread = this.regime(now, waiting) === 'spread';
    const perSecondCap = spread ? appPerSecond : Math.max(1, appPerSecond - this.reserve.perSecond);
    let wait = this.limiter.appWaitBelow(now, perSecondCap, appPerMinute);
    const grace = this.reserve.perMinute * this.spacingMs;
    const reserveFreeIn = this.limiter.appWaitBelow(now, Infinity, Math.max(1, appPerMinute - this.reserve.perMinute));
    if (reserveFreeIn > grace) wait = Math.max(wait, reserveFreeIn - grace);
    if (spread) wait = Math.max(wait, this.lastAt + this.spacingMs - now);
    return Math.max(0, wait);
  }

  regime(now: number, waiting: number): 'burst' | 'spread' {
    const capMinute = this.limits.appPerMinute - this.reserve.perMinute;
    return waiting + this.limiter.appUsed(now).minute > capMinute ? 'spread' : 'burst';
  }

  record(now: number): void {
    this.lastAt = now;
  }
}
