/** Why: the worker thread the threaded-mode tests run: the real bot, whose handlers a test can hold (block or delay). */
// A text message 卡住 <ms> blocks the worker's event loop for <ms> (a handler stuck in CPU); 崩溃 <file> ends the worker
// thread once (when <file> does not exist yet; it is created first), as a fatal error would; 毒 ends it every time. A
// card click with value
// {test: 'fast'} answers at once; {test: 'slow'} answers when the test posts 'release' on BroadcastChannel HOLD.
// Everything else goes to the real handlers.
import { existsSync, writeFileSync } from 'node:fs';
import { BroadcastChannel } from 'node:worker_threads';
import { runWorker } from '../../src/worker/thread.ts';
import type { CardResponse } from '../../src/pipeline/context.ts';

export const HOLD = 'threaded-test-hold';

const channel = new BroadcastChannel(HOLD);
channel.unref();
let held: Array<() => void> = [];
channel.onmessage = () => {
  const ws = held;
  held = [];
  for (const w of ws) w();
};

const DONE_CARD = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: '已处理（测试）' }] } };

await runWorker({
  onApp(app) {
    const message = app.router.handleMessage.bind(app.router);
    app.router.handleMessage = async (m) => {
      const block = /^卡住 (\d+)$/.exec(m.text);
      if (block) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(block[1]));
      if (m.text === '毒') process.exit(9);
      const crash = /^崩溃 (.+)$/.exec(m.text);
      if (crash && !existsSync(crash[1]!)) {
        writeFileSync(crash[1]!, 'crashed');
        process.exit(7);
      }
      return message(m);
    };
    const card = app.router.handleCardAction.bind(app.router);
    app.router.handleCardAction = async (a): Promise<CardResponse> => {
      const test = (a.value as { test?: string } | undefined)?.test;
      if (test === 'fast') return { toast: { type: 'success', content: '已记录（快）' }, card: { type: 'raw', data: DONE_CARD as never } };
      if (test === 'slow') {
        await new Promise<void>((resolve) => held.push(resolve));
        return { toast: { type: 'success', content: '已记录（慢）' }, card: { type: 'raw', data: DONE_CARD as never } };
      }
      return card(a);
    };
  },
});
