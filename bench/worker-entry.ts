/** Why: the bench bot's worker thread: the real bot (src/worker/thread.ts), plus the fan-out job, started over a BroadcastChannel. */
import { BroadcastChannel } from 'node:worker_threads';
import { runWorker } from '../src/worker/thread.ts';
import { fanoutJob } from './fanout-job.ts';

/** bench/bot-server.ts posts {users, chats} here and gets the FanoutResult (or {error}) back on the same channel. */
export const FANOUT_CHANNEL = 'bench-fanout';

const channel = new BroadcastChannel(FANOUT_CHANNEL);
channel.unref();

await runWorker({
  onApp(app) {
    channel.onmessage = (e) => {
      const m = (e as { data: unknown }).data as { users?: string[]; chats?: string[] };
      if (!m?.users) return;
      fanoutJob(app, m.users, m.chats ?? []).then(
        (r) => channel.postMessage(r),
        (err: unknown) => channel.postMessage({ type: 'fanout-failed', error: String((err as Error)?.stack ?? err) }),
      );
    };
  },
});
