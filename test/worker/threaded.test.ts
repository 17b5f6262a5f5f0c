/**
 * Why: in threaded mode no handler can delay an acknowledgement: a worker stuck in CPU leaves the acks fast and /healthz
 * honest, and a card click is answered inline when the worker is quick, by delayed card update when it is slow.
 */
// The real threaded server (src/worker/run.ts) on port 0, its worker thread running test/worker/hooked-entry.ts (the
// real bot with holdable handlers), the loopback fake delivering signed, encrypted events (test/helpers/threaded.ts).
import { join } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeFeishu } from '../../src/sandbox/fake/index.ts';
import type { Threaded } from '../../src/worker/run.ts';
import { startThreadedBot, type ThreadedBot } from '../helpers/threaded.ts';
import { until } from '../faults/helpers.ts';

const HOLD = 'threaded-test-hold';
const CARD_BUDGET_MS = 400;

let fake: FakeFeishu;
let bot: Threaded;
let dir: string;
let t: ThreadedBot | undefined;

const healthz = async () => {
  const res = await fetch(`${bot.url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; reasons: string[]; thread: { state: string; inFlight: number; backlog: number; acked: number; silentMs: number } } };
};

beforeAll(async () => {
  t = await startThreadedBot({ entry: new URL('./hooked-entry.ts', import.meta.url), cardBudgetMs: CARD_BUDGET_MS });
  ({ fake, bot, dir } = t);
}, 90_000);

afterAll(() => t?.close());

describe('threaded mode', () => {
  it('acknowledges within moments while the worker is stuck, says so in /healthz, and answers everyone after', async () => {
    const stuck = await fake.deliverMessage({ from: 'ou_stuck', chatType: 'p2p', text: '卡住 4500' });
    expect(stuck.responses[0]!.status).toBe(200);
    // The worker stops beating once the handler holds its thread.
    await until(() => bot.host.info().silentMs > 600, 'the worker to be stuck');
    const people = Array.from({ length: 30 }, (_, i) => `ou_waiting_${i}`);
    const asked = await Promise.all(people.map((from) => fake.deliverMessage({ from, chatType: 'p2p', text: '帮助' })));
    for (const d of asked) {
      expect(d.responses[0]!.status).toBe(200);
      expect(d.responses[0]!.elapsedMs, 'ack while the worker is stuck').toBeLessThan(1500);
    }
    expect(fake.messages.filter((m) => asked.some((d) => m.replyTo === d.messageId))).toHaveLength(0);

    await until(() => bot.host.silent, 'the worker to be silent past the limit');
    const sick = await healthz();
    expect(sick.status).toBe(503);
    expect(sick.body.reasons.join(' ')).toContain('worker thread has not answered');
    expect(sick.body.thread).toMatchObject({ state: 'ready' });
    expect(sick.body.thread.backlog).toBeGreaterThanOrEqual(30);

    // Once it is free again, every acknowledged event gets its one reply, and health is back.
    await fake.waitFor((ms) => asked.every((d) => ms.some((m) => m.replyTo === d.messageId)), { timeoutMs: 30_000, what: 'a reply to each' });
    for (const d of asked) expect(fake.messages.filter((m) => m.replyTo === d.messageId)).toHaveLength(1);
    await until(async () => (await healthz()).status === 200, 'health to recover');
    const well = await healthz();
    expect(well.body).toMatchObject({ status: 'ok', reasons: [], thread: { state: 'ready', inFlight: 0, backlog: 0 } });
    expect(well.body.thread.acked).toBeGreaterThanOrEqual(31);
  }, 60_000);

  it('restarts a worker that died about a second later, and works on what it left unfinished and what came meanwhile', async () => {
    const restarts = bot.host.info().restarts;
    const crash = await fake.deliverMessage({ from: 'ou_crash', chatType: 'p2p', text: `崩溃 ${join(dir, 'crashed-once')}` });
    expect(crash.responses[0]!.status).toBe(200);
    await until(() => bot.host.state === 'restarting', 'the worker to die');
    const during = await fake.deliverMessage({ from: 'ou_meanwhile', chatType: 'p2p', text: '帮助' });
    expect(during.responses[0]!.status).toBe(200);
    const sick = await healthz();
    expect(sick.status).toBe(503);
    expect(sick.body.reasons.join(' ')).toContain('exit code 7');
    await until(() => bot.host.state === 'ready', 'the worker to be back', 30_000);
    expect(bot.host.info().restarts).toBe(restarts + 1);
    await fake.waitFor((ms) => [crash, during].every((d) => ms.some((m) => m.replyTo === d.messageId)), { timeoutMs: 30_000, what: 'both replies' });
    for (const d of [crash, during]) expect(fake.messages.filter((m) => m.replyTo === d.messageId)).toHaveLength(1);
  }, 60_000);

  it('marks an event failed after the worker died three times on it, and goes on with the rest', async () => {
    const restarts = bot.host.info().restarts;
    const poison = await fake.deliverMessage({ from: 'ou_poison', chatType: 'p2p', text: '毒' });
    expect(poison.responses[0]!.status).toBe(200);
    const after = await fake.deliverMessage({ from: 'ou_after_poison', chatType: 'p2p', text: '帮助' });
    await fake.waitFor((ms) => ms.some((m) => m.replyTo === after.messageId), { timeoutMs: 60_000, what: 'the reply after the poison' });
    const info = bot.host.info();
    expect(info.restarts).toBe(restarts + 3);
    expect(info.poisoned).toBe(1);
    const db = new Database(join(dir, 'bot.db'), { readonly: true });
    try {
      expect(db.prepare(`SELECT "status", "error" FROM "ProcessedEvent" WHERE "eventId" = ?`).get(poison.eventId)).toEqual({ status: 'failed', error: 'the worker thread died 3 times while working on this event' });
    } finally {
      db.close();
    }
    await until(async () => (await healthz()).status === 200, 'health to recover', 20_000);
  }, 90_000);

  it('answers a card click inline when the worker is quick, and by delayed card update when it is slow', async () => {
    const [help] = await Promise.all([fake.waitFor((ms) => ms.find((m) => m.receive_id === 'ou_clicker' || m.chat_id === fake.messagesTo('ou_clicker')[0]?.chat_id), { what: 'the help card' }), fake.deliverMessage({ from: 'ou_clicker', chatType: 'p2p', text: '帮助' })]);
    const fast = await fake.deliverCardAction({ operator: 'ou_clicker', messageId: help.message_id, value: { test: 'fast' } });
    expect(fast.status).toBe(200);
    expect(fast.body).toMatchObject({ toast: { content: '已记录（快）' } });
    expect(fast.cardApplied).toBe(true);

    const slow = await fake.deliverCardAction({ operator: 'ou_clicker', messageId: help.message_id, value: { test: 'slow' } });
    expect(slow.status).toBe(200);
    expect(slow.responses[0]!.late).toBe(false);
    expect(slow.body).toEqual({ toast: { type: 'info', content: '正在处理，请稍候；完成后结果会更新到这张卡片上。' } });
    expect(fake.calls.filter((c) => c.route === 'card_update')).toHaveLength(0);
    const release = new BroadcastChannel(HOLD);
    release.postMessage('release');
    release.close();
    await fake.waitFor((_, calls) => calls.some((c) => c.route === 'card_update'), { what: 'the delayed card update', timeoutMs: 15_000 });
    expect(fake.calls.filter((c) => c.route === 'card_update')[0]).toMatchObject({ status: 200, body: { token: slow.token }, response: { code: 0 } });
  }, 60_000);
});
