/** Why: in threaded mode with LARK_EVENT_MODE=ws the long connection runs on the worker thread; /healthz still tells its state. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeFeishu } from '../../src/sandbox/fake/index.ts';
import type { Threaded } from '../../src/worker/run.ts';
import { startThreadedBot, type ThreadedBot } from '../helpers/threaded.ts';

let fake: FakeFeishu;
let bot: Threaded;
let t: ThreadedBot | undefined;

beforeAll(async () => {
  t = await startThreadedBot({ env: { LARK_EVENT_MODE: 'ws' }, prepare: (f) => f.setTransport('ws') });
  ({ fake, bot } = t);
}, 90_000);

afterAll(() => t?.close());

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
