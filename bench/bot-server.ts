/** Why: the bench measures the real bot (createApp, real SDK, real clock and pacing) in its own process, as it runs in production. */
// Env: FAKE_URL (the fake Open API), DATABASE_URL (a fresh SQLite file), BOT_LOG (log file), LOG_LEVEL (default info).
// IPC: sends {type:'ready', url, pid, rssMb}; on {type:'fanout', users, chats} it enqueues one reminder per
// recipient (with dedupe keys) and answers {type:'fanout-done', ...timings, stats, rss}.
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { systemClock } from '../src/clock.ts';
import { openDatabase } from '../src/store/db.ts';
import { createLarkClient } from '../src/send/client.ts';
import { createApp } from '../src/app.ts';
import { BENCH_CREDS } from './lib.ts';

export interface FanoutResult {
  type: 'fanout-done';
  messages: number;
  /** From the first enqueue to the moment the outbox was empty, ms. */
  elapsedMs: number;
  enqueueMs: number;
  /** From the first enqueue to the last sentAt recorded in the outbox, ms. */
  lastSentMs: number;
  stats: { sent: number; rateLimited: number; retried: number; failed: number };
  outbox: Record<string, number>;
  rssIdleMb: number;
  rssAfterMb: number;
  heapAfterMb: number;
}

export interface BotStats {
  type: 'stats';
  /** SQL statements prepared by the Prisma adapter since start (one per query). */
  statements: number;
  events: Record<string, number>;
  outbox: Record<string, number>;
  cpuMs: number;
  rssMb: number;
  loopDelayP99Ms: number;
}

// Count the statements Prisma runs: its SQLite adapter prepares one per query on its own copy of better-sqlite3.
let statements = 0;
{
  const req = createRequire(import.meta.url);
  const Database = createRequire(req.resolve('@prisma/adapter-better-sqlite3'))('better-sqlite3') as { prototype: { prepare: (...a: unknown[]) => unknown } };
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, ...a: unknown[]) {
    statements++;
    return prepare.apply(this, a);
  };
}
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const config = loadConfig({
  LARK_APP_ID: BENCH_CREDS.appId,
  LARK_APP_SECRET: BENCH_CREDS.appSecret,
  LARK_ENCRYPT_KEY: BENCH_CREDS.encryptKey,
  LARK_VERIFICATION_TOKEN: BENCH_CREDS.verificationToken,
  LARK_DOMAIN: process.env.FAKE_URL,
  DATABASE_URL: process.env.DATABASE_URL,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  PRIMARY_POLL_MS: process.env.PRIMARY_POLL_MS,
  OUTBOX_POLL_MS: process.env.OUTBOX_POLL_MS,
});
const logger = createLogger({
  level: config.logLevel,
  secrets: [config.appSecret, config.encryptKey ?? ''],
  destination: createWriteStream(process.env.BOT_LOG ?? '/dev/null'),
});
const prisma = await openDatabase(config.databaseUrl);
const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger });
const app = createApp({ config, lark, prisma, clock: systemClock, logger });
await app.start();
const { url } = await app.listen(0, '127.0.0.1');
const mb = (n: number) => n / 1024 / 1024;
process.send?.({ type: 'ready', url, pid: process.pid, rssMb: mb(process.memoryUsage().rss) });

async function fanout(users: string[], chats: string[]): Promise<FanoutResult> {
  const rssIdleMb = mb(process.memoryUsage().rss);
  const text = '【提醒】示范单位申报材料将于 3 月 31 日截止，请尽快在系统中提交。';
  const t0 = performance.now();
  const wall0 = Date.now();
  // One reminder per recipient, keyed so that a repeat (or a restart) never sends twice; fan-out goes in the bulk lane.
  for (const openId of users) {
    await app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: openId, msgType: 'text', content: { text }, dedupeKey: `bench:remind:${openId}`, lane: 'bulk' });
  }
  for (const chatId of chats) {
    await app.sender.enqueue({ op: 'create', receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: { text }, dedupeKey: `bench:remind:${chatId}`, lane: 'bulk' });
  }
  const enqueueMs = performance.now() - t0;
  for (;;) {
    await app.settle();
    const open = await prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const elapsedMs = performance.now() - t0;
  const groups = await prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
  const last = await prisma.outboxMessage.aggregate({ _max: { sentAt: true } });
  const mem = process.memoryUsage();
  return {
    type: 'fanout-done',
    messages: users.length + chats.length,
    elapsedMs,
    enqueueMs,
    lastSentMs: last._max.sentAt ? last._max.sentAt.getTime() - wall0 : NaN,
    stats: { ...app.sender.stats },
    outbox: Object.fromEntries(groups.map((g) => [g.status, g._count._all])),
    rssIdleMb,
    rssAfterMb: mb(mem.rss),
    heapAfterMb: mb(mem.heapUsed),
  };
}

async function stats(): Promise<BotStats> {
  const ev = await prisma.processedEvent.groupBy({ by: ['status'], _count: { _all: true } });
  const ob = await prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
  const cpu = process.cpuUsage();
  const out: BotStats = {
    type: 'stats',
    statements,
    events: Object.fromEntries(ev.map((g) => [g.status, g._count._all])),
    outbox: Object.fromEntries(ob.map((g) => [g.status, g._count._all])),
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: mb(process.memoryUsage().rss),
    loopDelayP99Ms: loop.percentile(99) / 1e6,
  };
  loop.reset();
  return out;
}

process.on('message', (raw) => {
  const msg = raw as { type: string; users?: string[]; chats?: string[] };
  if (msg.type === 'stats') void stats().then((s) => process.send?.(s));
  if (msg.type === 'fanout') {
    fanout(msg.users ?? [], msg.chats ?? []).then(
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
