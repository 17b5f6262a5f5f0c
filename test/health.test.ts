/** /healthz tells the truth: 503 with the reason for an unwritable or truncated database, failing sends, a stale message, a dropped WS connection; 200 with the backlog otherwise. */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { createHarness, type Harness } from './helpers/harness.ts';
import { sqlitePath } from '../src/store/db.ts';
import { TEST_PG } from './helpers/db.ts';
import type { HealthReport } from '../src/health.ts';
import { card, md } from '../src/cards/common.ts';
import { startWsClient, type WsClientHandle } from '../src/receive/ws.ts';

let h: Harness | undefined;
let undo: (() => void) | undefined;
let ws: WsClientHandle | undefined;
afterEach(async () => {
  undo?.();
  undo = undefined;
  // The WS client first: left running, it would keep reconnecting to the closed fake.
  ws?.close();
  ws = undefined;
  await h?.close();
  h = undefined;
});

async function health(): Promise<{ status: number; body: HealthReport }> {
  const res = await fetch(`${h!.botUrl}/healthz`);
  return { status: res.status, body: (await res.json()) as HealthReport };
}

/**
 * Makes the database file refuse writes under the running bot: the immutable attribute on the file and its WAL when
 * the machine allows it (root on ext4 and the like), else SQLite's own read-only switch on both connections.
 */
async function makeReadOnly(x: Harness): Promise<() => void> {
  const file = sqlitePath(x.dbUrl);
  try {
    execFileSync('chattr', ['+i', file, `${file}-wal`], { stdio: 'ignore' });
    return () => execFileSync('chattr', ['-i', file, `${file}-wal`], { stdio: 'ignore' });
  } catch {
    await x.prisma.$executeRawUnsafe('PRAGMA query_only = 1');
    const fast = (x.app.deps.fast as unknown as { db: { pragma(s: string): unknown } }).db;
    fast.pragma('query_only = 1');
    return () => undefined;
  }
}

describe('/healthz', () => {
  it('answers 200 with the backlog, after a real write', async () => {
    h = await createHarness();
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    await h.app.settle();
    const first = await health();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'ok',
      reasons: [],
      db: TEST_PG ? { ok: true } : { ok: true, journalMode: 'wal' },
      outbox: { pending: { fast: 0, bulk: 0 }, oldestAgeSeconds: { fast: null, bulk: null }, consecutiveFailures: 0, sent: 1 },
      events: { received: 0, working: 0, acking: 0 },
      ws: null,
    });
    expect(first.body.outbox.lanes.fast.sent).toBe(1);
    await health();
    expect(await h.prisma.heartbeat.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ beats: 2 });
  });

  // SQLite-file faults (a read-only or truncated file): PostgreSQL has no file of the bot's to break.
  it.skipIf(TEST_PG)('answers 503 when the database file cannot be written (and events get 500 meanwhile)', async () => {
    h = await createHarness();
    undo = await makeReadOnly(h);
    const r = await health();
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('unhealthy');
    expect(r.body.db.ok).toBe(false);
    expect(r.body.reasons[0]).toMatch(/^the database cannot be written: .*(disk I\/O error|readonly)/);
    const d = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    expect(d.responses[0]!.status).toBe(500);
  });

  it.skipIf(TEST_PG)('answers 503 when the database file was truncated under the running bot', async () => {
    h = await createHarness();
    expect((await health()).status).toBe(200);
    truncateSync(sqlitePath(h.dbUrl), 0);
    const r = await health();
    expect(r.status).toBe(503);
    expect(r.body.reasons).toEqual([expect.stringMatching(/^the database cannot be written: the database file .* is truncated \(0 bytes\)/)]);
  });

  it('answers 503 while every send fails, naming the last error, and 200 again after a success', async () => {
    h = await createHarness();
    h.fake.inject({ kind: 'http5xx', status: 503, match: { route: 'reply' }, times: 1000 });
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    await h.app.settle();
    expect(await h.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: 'failed', attempts: 12 });
    const r = await health();
    expect(r.status).toBe(503);
    expect(r.body.outbox.consecutiveFailures).toBe(12);
    expect(r.body.reasons).toEqual([expect.stringMatching(/^the last 12 attempts to send to Feishu failed \(threshold 5\); the last: HTTP 503/)]);

    h.fake.clearFaults();
    await h.fake.deliverMessage({ from: 'ou_bob', chatType: 'p2p', text: '帮助' });
    await h.app.settle();
    const after = await health();
    expect(after.status).toBe(200);
    expect(after.body.outbox.consecutiveFailures).toBe(0);
  });

  it('does not count rate limits as failures', async () => {
    h = await createHarness({ env: { HEALTH_SEND_FAILURES: '2' } });
    h.fake.inject({ kind: 'http429', resetSeconds: 1, match: { route: 'reply' }, times: 3 });
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    await h.app.settle();
    expect(h.app.sender.stats.rateLimited).toBe(3);
    expect((await health()).status).toBe(200);
  });

  it('does not count a card update waiting for its card as a failed send', async () => {
    h = await createHarness({ env: { HEALTH_SEND_FAILURES: '2' } });
    h.fake.addUser({ openId: 'ou_alice', name: '爱丽丝' });
    // Feishu takes 2 s to answer the card; on virtual time its update is retried (and given up) meanwhile, never
    // reaching Feishu.
    h.fake.inject({ kind: 'latency', ms: 2000, match: { route: 'send' } });
    const progress = await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_alice', msgType: 'interactive', content: card('进度', [md('第 1 项')]), dedupeKey: 'evt:ev_card:0' });
    const patch = await h.app.sender.enqueue({ op: 'patch', outboxId: progress.id, msgType: 'interactive', content: card('进度', [md('第 2 项')]), dedupeKey: 'evt:ev_card:1' });
    expect(await h.app.sender.delivered(patch.id)).toBeNull();
    expect(await h.prisma.outboxMessage.findUniqueOrThrow({ where: { id: patch.id } })).toMatchObject({ status: 'failed', lastError: 'the card to update is not sent yet' });
    expect(h.app.sender.streak.failures).toBe(0);
    expect((await health()).body.outbox.consecutiveFailures).toBe(0);
    await h.app.settle();
  });

  it('answers 503 when a lane’s oldest unsent message is older than its threshold', async () => {
    h = await createHarness({ start: false });
    await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_alice', msgType: 'text', content: { text: '回复' }, dedupeKey: 'evt:ev_stale:0' });
    await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_bob', msgType: 'text', content: { text: '提醒' }, dedupeKey: 'reminder:1:apply:T-7:ou_bob' });
    h.clock.advance(120_000);
    const fresh = await health();
    expect(fresh.status).toBe(200);
    expect(fresh.body.outbox).toMatchObject({ pending: { fast: 1, bulk: 1 }, oldestAgeSeconds: { fast: 120, bulk: 120 } });

    h.clock.advance(1000);
    const stale = await health();
    expect(stale.status).toBe(503);
    expect(stale.body.reasons).toEqual(['the oldest unsent reply message (fast lane) has waited 121 s, over 120 s']);

    h.clock.advance(3_600_000);
    expect((await health()).body.reasons).toEqual([
      'the oldest unsent reply message (fast lane) has waited 3721 s, over 120 s',
      'the oldest unsent fan-out message (bulk lane) has waited 3721 s, over 3600 s',
    ]);
    // Once sent, nothing is pending and the answer is 200 again.
    await h.app.start();
    await h.app.settle();
    expect((await health()).status).toBe(200);
  });

  it('in WS mode, answers 503 until the long connection is up, and whenever it is down', async () => {
    h = await createHarness({ env: { LARK_EVENT_MODE: 'ws' } });
    const before = await health();
    expect(before.status).toBe(503);
    expect(before.body.reasons).toEqual([expect.stringMatching(/^the WS long connection is connecting since /)]);
    h.app.health.reportWs('connected');
    const up = await health();
    expect(up.status).toBe(200);
    expect(up.body.ws).toMatchObject({ state: 'connected', detail: null });
    h.app.health.reportWs('reconnecting');
    expect((await health()).status).toBe(503);
    h.app.health.reportWs('failed', 'WebSocket reconnect exhausted after 3 attempts');
    const failed = await health();
    expect(failed.body.reasons).toEqual([expect.stringMatching(/^the WS long connection is failed since .*: WebSocket reconnect exhausted after 3 attempts$/)]);
  });

  it('in WS mode, follows the SDK’s real long connection: 200 once up, 503 while Feishu refuses the reconnect, 200 after', async () => {
    h = await createHarness({ env: { LARK_EVENT_MODE: 'ws' } });
    h.fake.ws.config = { ...h.fake.ws.config, ReconnectNonce: 0, ReconnectInterval: 0.05 };
    ws = startWsClient({ config: h.config, logger: h.logger, intake: h.app.intake, onState: (state, detail) => h!.app.health.reportWs(state, detail) });
    await h.fake.ws.waitForOpen(1);
    await h.fake.waitFor(() => h!.app.health.wsState === 'connected', { what: 'the SDK to report the connection ready' });
    expect((await health()).status).toBe(200);

    // The connection drops and the endpoint answers 503 to the reconnects, as during a Feishu incident.
    h.fake.inject({ kind: 'http5xx', status: 503, match: { route: 'ws_endpoint' }, times: 1000 });
    h.fake.ws.drop();
    await h.fake.waitFor(() => h!.app.health.wsState === 'reconnecting', { what: 'the SDK to report reconnecting' });
    await h.fake.waitFor((_, calls) => calls.filter((c) => c.route === 'ws_endpoint' && c.status === 503).length >= 2, { what: 'two refused reconnects' });
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.reasons).toEqual([expect.stringMatching(/^the WS long connection is reconnecting since /)]);

    h.fake.clearFaults();
    await h.fake.waitFor(() => h!.app.health.wsState === 'connected', { what: 'the SDK to reconnect' });
    expect((await health()).status).toBe(200);
    ws.close();
    expect((await health()).body.reasons).toEqual([expect.stringMatching(/^the WS long connection is closed since /)]);
  });
});
