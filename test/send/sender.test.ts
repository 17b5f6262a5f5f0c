/** End to end through the real app, SDK and fake: a person's reply overtakes a reminder fan-out, and every reminder still goes once, within Feishu's windows. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { FEISHU_LIMITS, virtualPace } from '../../src/send/limiter.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BULK = 1200;

describe('Sender lanes', () => {
  it(`sends a person's reply within 500 virtual ms while ${BULK} reminders drain; every reminder is sent once, paced`, async () => {
    const pace = virtualPace();
    h = await createHarness({ start: false, pace });
    const users = Array.from({ length: BULK }, (_, i) => `ou_bulk_${String(i).padStart(4, '0')}`);
    for (const u of users) h.fake.addUser({ openId: u, name: u });
    // The virtual moment each Open API send leaves the bot.
    const sends: Array<{ at: number; route: 'create' | 'reply' }> = [];
    const im = h.app.deps.lark.im.v1.message;
    for (const route of ['create', 'reply'] as const) {
      const original = im[route].bind(im) as (...a: unknown[]) => Promise<unknown>;
      (im as unknown as Record<string, unknown>)[route] = (...args: unknown[]) => {
        sends.push({ at: pace.now(), route });
        return original(...args);
      };
    }
    for (const u of users) {
      await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: u, msgType: 'text', content: { text: '提醒' }, dedupeKey: `reminder:1:apply:T-7:${u}` });
    }
    expect(await h.prisma.outboxMessage.count({ where: { lane: 'bulk' } })).toBe(BULK);
    await h.app.start();

    // 700 reminders in (42 virtual seconds): a FIFO outbox would put this reply behind the other 500, about 50 s.
    await h.fake.waitFor((ms) => ms.length >= 700, { timeoutMs: 60_000, what: '700 reminders sent' });
    const before = h.fake.messages.length;
    await h.fake.deliverMessage({ from: 'ou_person', chatType: 'p2p', text: '帮助' });
    await h.fake.waitFor(() => h!.app.sender.laneStats.fast.sent === 1, { timeoutMs: 30_000, what: 'the reply sent' });
    const replyIndex = h.fake.calls.findIndex((c) => c.route === 'reply');
    const bulkMeanwhile = h.fake.calls.slice(0, replyIndex).filter((c) => c.route === 'send').length - before;
    expect(bulkMeanwhile).toBeLessThan(50);
    expect(h.app.sender.laneStats.fast.maxWaitMs).toBeLessThanOrEqual(500);
    expect(await h.prisma.outboxMessage.count({ where: { lane: 'fast' } })).toBe(1);

    await h.app.settle();
    for (const u of users) expect(h.fake.messagesTo(u)).toHaveLength(1);
    expect(await h.prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(BULK + 1);
    expect(h.app.sender.laneStats.bulk.sent).toBe(BULK);
    // Never more than Feishu allows in any window (the limiter adds a 50 ms margin), and done within the bound.
    const times = sends.map((s) => s.at).sort((a, b) => a - b);
    for (let i = FEISHU_LIMITS.appPerMinute; i < times.length; i++) expect(times[i]! - times[i - FEISHU_LIMITS.appPerMinute]!).toBeGreaterThanOrEqual(60_000);
    for (let i = FEISHU_LIMITS.appPerSecond; i < times.length; i++) expect(times[i]! - times[i - FEISHU_LIMITS.appPerSecond]!).toBeGreaterThanOrEqual(1000);
    const bound = (BULK / FEISHU_LIMITS.appPerMinute) * 60_000;
    expect(times[times.length - 1]! / bound).toBeLessThanOrEqual(1.01);
  }, 120_000);
});
