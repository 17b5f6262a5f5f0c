/** The drain's picking rule on virtual time: a person's answer overtakes thousands of bulk rows, bulk is never starved, and pacing stays within Feishu's windows. */
import { describe, expect, it } from 'vitest';
import { Backlog, type Pending } from '../../src/send/backlog.ts';
import { FEISHU_LIMITS, RateLimiter } from '../../src/send/limiter.ts';
import type { HotStore, OutboxRow } from '../../src/store/hot.ts';
import type { Lane } from '../../src/send/lanes.ts';

/** The outbox as HotStore.pendingAfter reads it: rows per lane, in id order. */
function outbox() {
  const rows: Record<Lane, OutboxRow[]> = { fast: [], bulk: [] };
  let id = 0;
  const add = (lane: Lane, to: string): number => {
    rows[lane].push({ id: ++id, uuid: `u${id}`, op: 'create', receiveIdType: 'open_id', receiveId: to, replyToId: null, patchMessageId: null, msgType: 'text', content: '{}', chatKey: `p2p:${to}`, userKey: to, attempts: 0 });
    return id;
  };
  const store = { pendingAfter: async (lane: Lane, lastId: number, take: number) => rows[lane].filter((r) => r.id > lastId).slice(0, take) } as unknown as HotStore;
  return { add, store };
}

/** Runs the drain on virtual time with instant answers; `at` hooks run once virtual time reaches them. */
async function simulate(o: { backlog: Backlog; clock: { t: number }; stopAt?: number; at?: Array<{ t: number; run: () => void }> }) {
  const sent: Array<{ row: Pending; at: number }> = [];
  const hooks = [...(o.at ?? [])].sort((a, b) => a.t - b.t);
  for (let guard = 0; guard < 1_000_000; guard++) {
    while (hooks.length && hooks[0]!.t <= o.clock.t) hooks.shift()!.run();
    await o.backlog.fill();
    const { row, waitMs } = o.backlog.pick(o.clock.t, new Set(), 0);
    if (row) {
      o.backlog.take(row, o.clock.t);
      o.backlog.release(row);
      o.backlog.settled(row, true);
      sent.push({ row, at: o.clock.t });
      continue;
    }
    const next = Math.min(o.clock.t + waitMs, hooks[0]?.t ?? Infinity);
    if (!Number.isFinite(next) || (o.stopAt !== undefined && next > o.stopAt)) break;
    o.clock.t = Math.max(o.clock.t + 1, next);
  }
  return sent;
}

function setup() {
  const clock = { t: 0 };
  const box = outbox();
  const limiter = new RateLimiter();
  const backlog = new Backlog({ fast: box.store, limiter, pace: { now: () => clock.t, sleep: async () => undefined }, concurrency: 16 });
  return { clock, box, backlog };
}

/** The largest number of sends in any window of `ms`. */
function busiest(times: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('Backlog.pick', () => {
  it('sends a person’s answer within one spacing while 3,000 reminders drain, and still sends every reminder once within the bound', async () => {
    const { clock, box, backlog } = setup();
    for (let i = 0; i < 3000; i++) box.add('bulk', `ou_r${i}`);
    let fastId = 0;
    // 70 s in, bulk has filled the minute window: this is when a FIFO outbox would make the person wait ~4 minutes.
    const sent = await simulate({
      backlog,
      clock,
      at: [{ t: 70_000, run: () => ((fastId = box.add('fast', 'ou_person')), backlog.noteEnqueued(fastId), backlog.markDirty('fast')) }],
    });
    const reply = sent.find((s) => s.row.id === fastId)!;
    expect(reply.at - 70_000).toBeLessThanOrEqual(60);
    expect(backlog.stats.fast).toMatchObject({ sent: 1, maxWaitMs: reply.at - 70_000 });
    const bulkBefore = sent.filter((s) => s.row.lane === 'bulk' && s.at <= reply.at).length;
    expect(bulkBefore).toBeLessThan(1300);

    const bulk = sent.filter((s) => s.row.lane === 'bulk');
    expect(new Set(bulk.map((s) => s.row.id)).size).toBe(3000);
    expect(bulk).toHaveLength(3000);
    const times = sent.map((s) => s.at);
    expect(busiest(times, 60_000 + FEISHU_LIMITS.marginMs)).toBeLessThanOrEqual(FEISHU_LIMITS.appPerMinute);
    expect(busiest(times, 1000 + FEISHU_LIMITS.marginMs)).toBeLessThanOrEqual(FEISHU_LIMITS.appPerSecond);
    // The bound: 3,000 messages at 1,000/min is 180 s; spreading costs the window's 50 ms margin and the reply's slot.
    const bound = (3000 / FEISHU_LIMITS.appPerMinute) * 60_000;
    expect(bulk[bulk.length - 1]!.at / bound).toBeLessThanOrEqual(1.002);
  });

  it('spreads a fan-out written row by row as soon as more is waiting than memory holds', async () => {
    const { clock, box, backlog } = setup();
    // As the scheduler writes reminders: one row at a time, the drain loading as they come.
    for (let i = 0; i < 600; i++) {
      box.add('bulk', `ou_r${i}`);
      backlog.markDirty('bulk');
      await backlog.fill();
    }
    for (let i = 600; i < 2000; i++) box.add('bulk', `ou_r${i}`);
    backlog.markDirty('bulk');
    const sent = await simulate({ backlog, clock, stopAt: 5000 });
    // Spread from the start (one send every 60.05 ms), not a 45/s burst that would fill the minute in 20 s.
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(5000 / 60.05) + 1);
    expect(sent.length).toBeGreaterThan(80);
  });

  it('sends a small announcement at once, at the per-second rate less the reserve', async () => {
    const { clock, box, backlog } = setup();
    for (let i = 0; i < 40; i++) box.add('bulk', `oc_group_${i}`);
    const sent = await simulate({ backlog, clock });
    expect(sent).toHaveLength(40);
    expect(sent.every((s) => s.at === 0)).toBe(true);
  });

  it('never starves bulk: while both lanes are ready, one bulk row goes after every four fast ones', async () => {
    const { clock, box, backlog } = setup();
    for (let i = 0; i < 300; i++) {
      box.add('fast', `ou_f${i}`);
      box.add('bulk', `ou_b${i}`);
    }
    const sent = await simulate({ backlog, clock, stopAt: 0 });
    // The first second: 45 sends four-to-one, then bulk leaves the second's last 5 slots to the fast lane.
    const first = sent.map((s) => s.row.lane);
    expect(first).toHaveLength(FEISHU_LIMITS.appPerSecond);
    expect(first.slice(0, 45).filter((l) => l === 'bulk')).toHaveLength(9);
    expect(first.slice(0, 5)).toEqual(['fast', 'fast', 'fast', 'fast', 'bulk']);
    expect(first.slice(45)).toEqual(['fast', 'fast', 'fast', 'fast', 'fast']);
    const all = await simulate({ backlog, clock });
    expect(sent.length + all.length).toBe(600);
  });

  it('keeps a chat’s rows in order and one in flight per chat', async () => {
    const { clock, box, backlog } = setup();
    const a = box.add('fast', 'ou_same');
    const b = box.add('fast', 'ou_same');
    const c = box.add('fast', 'ou_other');
    await backlog.fill();
    const first = backlog.pick(clock.t, new Set(), 0).row!;
    expect(first.id).toBe(a);
    backlog.take(first, clock.t);
    // While the first is in flight its chat is busy: the other chat goes, not the second row of the same chat.
    const second = backlog.pick(clock.t, new Set(['p2p:ou_same']), 1).row!;
    expect(second.id).toBe(c);
    backlog.take(second, clock.t);
    const third = backlog.pick(clock.t, new Set(), 0).row!;
    expect(third.id).toBe(b);
  });

  it('leaves in-flight slots to the fast lane', async () => {
    const { clock, box, backlog } = setup();
    for (let i = 0; i < 20; i++) box.add('bulk', `ou_b${i}`);
    await backlog.fill();
    for (let i = 0; i < 12; i++) backlog.take(backlog.pick(clock.t, new Set(), i).row!, clock.t);
    expect(backlog.pick(clock.t, new Set(), 12).row).toBeUndefined();
    box.add('fast', 'ou_person');
    backlog.markDirty('fast');
    await backlog.fill();
    expect(backlog.pick(clock.t, new Set(), 12).row?.lane).toBe('fast');
  });
});
