/** Why: sliding-window limits that keep every send inside Feishu's quotas (50/s and 1,000/min per app, 5 QPS per chat and per user). */

/** Real or virtual time for pacing. Pacing is about Feishu's real quotas, so it is separate from the business clock. */
export interface Pace {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realPace: Pace = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)).unref?.()),
};

/** Virtual time for tests: sleeping advances time at once, so a 60 s back-off takes no wall time. */
export function virtualPace(start = 0): Pace & { advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += Math.max(0, ms);
      await new Promise((r) => setImmediate(r));
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A sliding window log: at most `limit` events in any `windowMs`. */
export class SlidingWindow {
  private stamps: number[] = [];
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Milliseconds until one more event is allowed (0 = now). */
  waitTime(now: number): number {
    this.prune(now);
    if (this.stamps.length < this.limit) return 0;
    return this.windowMs - (now - this.stamps[0]!);
  }

  /** Milliseconds until fewer than `cap` events are in the window (0 = already fewer). */
  waitBelow(now: number, cap: number): number {
    this.prune(now);
    if (this.stamps.length < cap) return 0;
    return this.windowMs - (now - this.stamps[this.stamps.length - cap]!);
  }

  /** Events in the window now. */
  count(now: number): number {
    this.prune(now);
    return this.stamps.length;
  }

  record(now: number): void {
    this.stamps.push(now);
  }

  /** True when nothing in the window is recent: the window can be forgotten. */
  isIdle(now: number): boolean {
    this.prune(now);
    return this.stamps.length === 0;
  }

  /** Block further events until `until` (used when Feishu says we went over anyway). */
  blockUntil(until: number): void {
    this.stamps = Array.from({ length: this.limit }, () => until - this.windowMs);
  }

  private prune(now: number): void {
    let i = 0;
    // The same arithmetic as the waits above (now - stamp against the width), so that a stamp still counted always
    // means a positive wait, even with fractional times.
    while (i < this.stamps.length && now - this.stamps[i]! >= this.windowMs) i++;
    if (i) this.stamps.splice(0, i);
  }
}

export interface Limits {
  appPerSecond: number;
  appPerMinute: number;
  chatPerSecond: number;
  userPerSecond: number;
  /** Extra width added to every window, to absorb clock and latency jitter between us and Feishu. */
  marginMs: number;
}

export const FEISHU_LIMITS: Limits = { appPerSecond: 50, appPerMinute: 1000, chatPerSecond: 5, userPerSecond: 5, marginMs: 50 };

/** All the windows one send must pass: the app's two, its chat's and its user's. */
export class RateLimiter {
  private readonly appSec: SlidingWindow;
  private readonly appMin: SlidingWindow;
  private readonly chats = new Map<string, SlidingWindow>();
  private readonly users = new Map<string, SlidingWindow>();

  constructor(private readonly limits: Limits = FEISHU_LIMITS) {
    this.appSec = new SlidingWindow(limits.appPerSecond, 1000 + limits.marginMs);
    this.appMin = new SlidingWindow(limits.appPerMinute, 60_000 + limits.marginMs);
  }

  private windowsFor(chatKey?: string | null, userKey?: string | null): SlidingWindow[] {
    const ws = [this.appSec, this.appMin];
    if (chatKey) ws.push(getOr(this.chats, chatKey, () => new SlidingWindow(this.limits.chatPerSecond, 1000 + this.limits.marginMs)));
    if (userKey) ws.push(getOr(this.users, userKey, () => new SlidingWindow(this.limits.userPerSecond, 1000 + this.limits.marginMs)));
    return ws;
  }

  /** Milliseconds to wait before this send may go (0 = go now). Does not record. */
  waitTime(now: number, chatKey?: string | null, userKey?: string | null): number {
    return Math.max(0, ...this.windowsFor(chatKey, userKey).map((w) => w.waitTime(now)));
  }

  /** Milliseconds until the app-wide windows hold fewer than these caps (the bulk lane's share, see lanes.ts). */
  appWaitBelow(now: number, perSecondCap: number, perMinuteCap: number): number {
    return Math.max(0, this.appSec.waitBelow(now, perSecondCap), this.appMin.waitBelow(now, perMinuteCap));
  }

  /** App-wide sends in the current windows. */
  appUsed(now: number): { second: number; minute: number } {
    return { second: this.appSec.count(now), minute: this.appMin.count(now) };
  }

  record(now: number, chatKey?: string | null, userKey?: string | null): void {
    for (const w of this.windowsFor(chatKey, userKey)) w.record(now);
    if (this.chats.size > 10_000) this.gc(now);
  }

  /** Feishu answered "too many": hold the whole scope until its reset time. */
  penalise(until: number, chatKey?: string | null): void {
    if (chatKey) getOr(this.chats, chatKey, () => new SlidingWindow(this.limits.chatPerSecond, 1000 + this.limits.marginMs)).blockUntil(until);
    else this.appSec.blockUntil(until);
  }

  private gc(now: number): void {
    for (const map of [this.chats, this.users]) for (const [k, w] of map) if (w.isIdle(now)) map.delete(k);
  }
}

function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (!v) m.set(k, (v = make()));
  return v;
}
