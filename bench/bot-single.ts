/** Why: bench:pg measures the bot as PostgreSQL mode runs it (one thread: createApp serves and works), in its own process. */
// Env: FAKE_URL (the fake Open API), DATABASE_URL (SQLite file or PostgreSQL schema), BOT_LOG (log file), LOG_LEVEL,
// PRIMARY_POLL_MS, OUTBOX_POLL_MS. IPC: sends {type:'ready', url, pid}; on {type:'stats'} answers the stored events'
// and outbox rows' counts by status; on {type:'fanout', users, chats} runs bench/fanout-job.ts and answers its result.
import { systemClock } from '../src/clock.ts';
import { openDatabase } from '../src/store/db.ts';
import { createLarkClient } from '../src/send/client.ts';
import { createApp } from '../src/app.ts';
import { fanoutJob } from './fanout-job.ts';
import { benchBot } from './lib.ts';

export interface BotStats {
  type: 'stats';
  events: Record<string, number>;
  outbox: Record<string, number>;
}

const { config, logger } = benchBot({ PRIMARY_POLL_MS: process.env.PRIMARY_POLL_MS, OUTBOX_POLL_MS: process.env.OUTBOX_POLL_MS });
const prisma = await openDatabase(config.databaseUrl);
const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger });
const app = createApp({ config, lark, prisma, clock: systemClock, logger });
await app.start();
const { url } = await app.listen(0, '127.0.0.1');
process.send?.({ type: 'ready', url, pid: process.pid });

async function stats(): Promise<BotStats> {
  const ev = await prisma.processedEvent.groupBy({ by: ['status'], _count: { _all: true } });
  const ob = await prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
  return {
    type: 'stats',
    events: Object.fromEntries(ev.map((g) => [g.status, g._count._all])),
    outbox: Object.fromEntries(ob.map((g) => [g.status, g._count._all])),
  };
}

process.on('message', (raw) => {
  const msg = raw as { type: string; users?: string[]; chats?: string[] };
  if (msg.type === 'stats') void stats().then((s) => process.send?.(s));
  if (msg.type === 'fanout') {
    fanoutJob(app, msg.users ?? [], msg.chats ?? []).then(
      (r) => process.send?.(r),
      (err: unknown) => process.send?.({ type: 'fanout-failed', error: String((err as Error)?.stack ?? err) }),
    );
  }
});

const shutdown = () => {
  void app
    .stop()
    .catch(() => undefined)
    .finally(() => void prisma.$disconnect().finally(() => process.exit(0)));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
process.once('disconnect', shutdown);
