/** The lane decision (one function for every writer) and the bulk lane's pacing: bursts when it fits, spreads when the minute binds, never takes the reserve. */
import { describe, expect, it } from 'vitest';
import { BulkPacer, DEFAULT_RESERVE, laneFor, type Lane } from '../../src/send/lanes.ts';
import { FEISHU_LIMITS, RateLimiter } from '../../src/send/limiter.ts';

describe('laneFor', () => {
  const cases: Array<[string, { lane?: Lane; dedupeKey?: string | null }, Lane]> = [
    ['a deadline reminder', { dedupeKey: 'reminder:3:apply:T-7:ou_a' }, 'bulk'],
    ['a campaign announcement to a group', { dedupeKey: 'announce:3:region:1' }, 'bulk'],
    ['a campaign-closed notice to a group', { dedupeKey: 'closed:3:region:2' }, 'bulk'],
    ['a publicity list', { dedupeKey: 'publicity:3:region:1' }, 'bulk'],
    ['a commendation', { dedupeKey: 'commend:3:region:1' }, 'bulk'],
    ['an inspection result', { dedupeKey: 'result:12:group' }, 'bulk'],
    ['an idle dialog that ended', { dedupeKey: 'apply:expired:5:2' }, 'bulk'],
    ['a reply to the event', { dedupeKey: 'evt:ev_1:0' }, 'fast'],
    ['a progress card for the person who acted', { dedupeKey: 'progress:4:ev_2' }, 'fast'],
    ['a review request one act caused', { dedupeKey: 'review:region:4:ou_r' }, 'fast'],
    ['the error reply', { dedupeKey: 'evt:ev_9:error' }, 'fast'],
    ['no key at all', {}, 'fast'],
    ['a null key', { dedupeKey: null }, 'fast'],
    ['a key that only looks similar', { dedupeKey: 'results:3' }, 'fast'],
    ['an explicit bulk lane wins over the key', { dedupeKey: 'evt:ev_3:0', lane: 'bulk' }, 'bulk'],
    ['an explicit fast lane wins over the key', { dedupeKey: 'reminder:1:x:y:z', lane: 'fast' }, 'fast'],
  ];
  it.each(cases)('%s → %s', (_name, m, lane) => {
    expect(laneFor(m)).toBe(lane);
  });
});

describe('BulkPacer', () => {
  it('bursts at the per-second rate less the reserve when everything fits', () => {
    const limiter = new RateLimiter();
    const pacer = new BulkPacer(limiter);
    const capSecond = FEISHU_LIMITS.appPerSecond - DEFAULT_RESERVE.perSecond;
    let sentAtZero = 0;
    while (pacer.waitTime(0, 100 - sentAtZero) === 0) {
      limiter.record(0);
      pacer.record(0);
      sentAtZero++;
    }
    expect(pacer.regime(0, 60)).toBe('burst');
    expect(sentAtZero).toBe(capSecond);
    // The next bulk send waits for the second window; a fast send (the limiter alone) may go now.
    expect(pacer.waitTime(0, 55)).toBe(1000 + FEISHU_LIMITS.marginMs);
    expect(limiter.waitTime(0, 'p2p:ou_person', 'ou_person')).toBe(0);
  });

  it('spreads evenly at the per-minute rate when the minute window binds', () => {
    const limiter = new RateLimiter();
    const pacer = new BulkPacer(limiter);
    expect(pacer.regime(0, 3000)).toBe('spread');
    expect(pacer.waitTime(0, 3000)).toBe(0);
    limiter.record(0);
    pacer.record(0);
    expect(pacer.spacingMs).toBeCloseTo(60.05, 10);
    expect(pacer.waitTime(0, 2999)).toBe(pacer.spacingMs);
    expect(pacer.waitTime(60, 2999)).toBeCloseTo(0.05, 10);
    expect(pacer.waitTime(60.05, 2999)).toBe(0);
  });

  it('does not take the minute reserve while the window is not emptying, and the fast lane can still use it', () => {
    const limiter = new RateLimiter();
    const pacer = new BulkPacer(limiter);
    const capMinute = FEISHU_LIMITS.appPerMinute - DEFAULT_RESERVE.perMinute;
    // capMinute sends packed into the first 25 s (as a burst would leave them): nothing leaves the window for 35 s.
    for (let i = 0; i < capMinute; i++) limiter.record((i * 25_000) / capMinute);
    const now = 25_000;
    const oldestLeavesIn = 60_000 + FEISHU_LIMITS.marginMs - now;
    // Bulk waits until the reserve would be free again within its grace (reserve × spacing).
    expect(pacer.waitTime(now, 1)).toBeCloseTo(oldestLeavesIn - DEFAULT_RESERVE.perMinute * pacer.spacingMs, 6);
    expect(limiter.waitTime(now, 'p2p:ou_person', 'ou_person')).toBe(0);
  });

  it('fills the window to the limit while it keeps emptying evenly (spread), so the total stays at the bound', () => {
    const limiter = new RateLimiter();
    const pacer = new BulkPacer(limiter);
    let t = 0;
    for (let i = 0; i < FEISHU_LIMITS.appPerMinute - 1; i++, t += pacer.spacingMs) {
      limiter.record(t);
      pacer.record(t);
    }
    // 999 sends in the window; the reserve frees up within the grace, so the 1,000th goes one spacing later.
    expect(pacer.waitTime(t, 5000)).toBe(0);
  });
});
