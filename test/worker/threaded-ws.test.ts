/** Why: in threaded mode with LARK_EVENT_MODE=ws the long connection runs on the worker thread; /healthz still tells its state. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createFakeFeishu, type FakeFeishu } from '../../src/sandbox/fake/index.ts';
import { startThreaded, type Threaded } from '../../src/worker/run.ts';
import { CREDS } from '../helpers/harness.ts';
import { until } from '../faults/helpers.ts';

let fake: FakeFeishu;
let bot: Threaded;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threaded-ws-'));
  fake = await createFakeFeishu({ ...CREDS, clock: new ManualClock(new Date().toISOString()) });
  fake.setTransport('ws');
  const config = loadConfig({
    LARK_APP_ID: CREDS.appId,
    LARK_APP_SECRET: CREDS.appSecret,
    LARK_ENCRYPT_KEY: CREDS.encryptKey,
    LARK_VERIFICATION_TOKEN: CREDS.verificationToken,
    LARK_DOMAIN: fake.url,
    LARK_EVENT_MODE: 'ws',
    DATABASE_URL: `file:${join(dir, 'bot.db')}`,
    LOG_LEVEL: 'warn',
  });
  bot = await startThreaded({ config, logger: createLogger({ level: 'warn' }), port: 0, listenHost: '127.0.0.1' });
  await until(() => bot.host.state === 'ready', 'the worker thread to load the bot', 60_000);
}, 90_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('threaded mode over the long connection', () => {
  it('answers events from the worker thread, and /healthz reports the connection', async () => {
    await fake.ws.waitForOpen(1);
    const d = await fake.deliverMessage({ from: 'ou_ws_person', chatType: 'p2p', text: '帮助' });
    await fake.waitFor((ms) => ms.some((m) => m.replyTo === d.messageId), { what: 'the reply', timeoutMs: 15_000 });
    const res = await fetch(`${bot.url}/healthz`);
    const body = (await res.json()) as { ws: { state: string } | null; thread: { state: string; handedOver: number } };
    expect(res.status).toBe(200);
    expect(body.ws?.state).toBe('connected');
    expect(body.thread.state).toBe('ready');
    // The worker's intake stored and worked on it; the main thread handed nothing over (it would run twice).
    expect(body.thread.handedOver).toBe(0);
    // /lark/events is not served in WS mode.
    expect((await fetch(`${bot.url}/lark/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  }, 60_000);
});
