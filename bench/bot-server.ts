/** Why: the bench measures the real bot in threaded mode (main thread acks, worker thread works), in its own process, as it runs in production. */
// Env: FAKE_URL (the fake Open API), DATABASE_URL (a fresh SQLite file), BOT_LOG (log file), LOG_LEVEL (default info).
// IPC: sends {type:'ready', url, pid} once the worker thread is ready; on {type:'fanout', users, chats} the worker
// (bench/worker-entry.ts) enqueues one reminder per recipient (with dedupe keys) and the answer is
// {type:'fanout-done', ...timings, stats, rss} (or {type:'fanout-failed', error}).
import { BroadcastChannel } from 'node:worker_threads';
import { startThreaded } from '../src/worker/run.ts';
import { benchBot, sleep } from './lib.ts';

export type { FanoutResult } from './fanout-job.ts';

const { config, logger } = benchBot();
// The worker's own logger writes to stdout (bench/tmp/<name>.log).
const bot = await startThreaded({ config, logger, port: 0, listenHost: '127.0.0.1', entry: new URL('./worker-entry.ts', import.meta.url) });
while (bot.host.state !== 'ready') await sleep(20);
process.send?.({ type: 'ready', url: bot.url, pid: process.pid });

const channel = new BroadcastChannel('bench-fanout');
channel.unref();
channel.onmessage = (e) => process.send?.((e as { data: unknown }).data);
process.on('message', (raw) => {
  const msg = raw as { type: string; users?: string[]; chats?: string[] };
  if (msg.type === 'fanout') channel.postMessage({ users: msg.users ?? [], chats: msg.chats ?? [] });
});

const shutdown = () => {
  channel.close();
  void bot
    .stop()
    .catch(() => undefined)
    .finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
process.once('disconnect', shutdown);
