/** Why: the kill -9 test needs the bot in a process of its own, so it can be killed mid-fan-out while the fake (in the test) lives on. */
// Env: FAKE_URL, DATABASE_URL, CLOCK_START (ISO), FANOUT ('ou_a,ou_b,…': recipients to enqueue one reminder each),
// WAIT_FOR_GO ('1': start the fan-out on the first IPC message instead of at once), SECRETARIAT_OPEN_IDS.
// IPC out: {type:'ready', url} once listening, {type:'enqueued'} after the fan-out is written, {type:'drained'} when
// no event and no outbox row is left unfinished. IPC in: {type:'drain', seq} asks again; the answer is
// {type:'drained', seq}. {type:'die-after', rows: n} arms a self-SIGKILL at the n-th outbox row written from then on
// (answered {type:'armed'}), so a test can kill the process at an exact point of a fan-out's writes.
// Logs (pino JSON) go to stdout for the test's secrets check.
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createLarkClient } from '../../src/send/client.ts';
import { virtualPace } from '../../src/send/limiter.ts';
import { createApp } from '../../src/app.ts';
import { CREDS } from '../helpers/harness.ts';

const clock = new ManualClock(process.env.CLOCK_START ?? '2026-03-02T02:00:00Z');
const config = loadConfig({
  LARK_APP_ID: CREDS.appId,
  LARK_APP_SECRET: CREDS.appSecret,
  LARK_ENCRYPT_KEY: CREDS.encryptKey,
  LARK_VERIFICATION_TOKEN: CREDS.verificationToken,
  LARK_DOMAIN: process.env.FAKE_URL,
  DATABASE_URL: process.env.DATABASE_URL,
  SECRETARIAT_OPEN_IDS: process.env.SECRETARIAT_OPEN_IDS ?? '',
  LOG_LEVEL: 'debug',
  // Several instances on PostgreSQL (test/faults/failover.test.ts): how fast a standby takes over.
  PRIMARY_POLL_MS: process.env.PRIMARY_POLL_MS,
  OUTBOX_POLL_MS: process.env.OUTBOX_POLL_MS,
});
const logger = createLogger({ level: 'debug', secrets: [CREDS.appSecret, CREDS.encryptKey] });
const prisma = await openDatabase(config.databaseUrl);
const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger, timeoutMs: 2000 });
const app = createApp({ config, lark, prisma, clock, logger, pace: virtualPace() });

// The fault hook: count outbox rows as they are written (on the hot path, or inside a transaction) and die at the n-th.
let dieAfter = Number.POSITIVE_INFINITY;
let written = 0;
const wrote = (n: number) => {
  written += n;
  if (written >= dieAfter) process.kill(process.pid, 'SIGKILL');
};
const enqueue = app.sender.enqueue.bind(app.sender);
app.sender.enqueue = async (m) => {
  const r = await enqueue(m);
  wrote(1);
  return r;
};
// Rows written inside a transaction are counted as they are written, before the commit.
const enqueueIn = app.sender.enqueueIn?.bind(app.sender);
if (enqueueIn) {
  app.sender.enqueueIn = async (tx, m) => {
    const r = await enqueueIn(tx, m);
    wrote(Array.isArray(m) ? m.length : 1);
    return r;
  };
}
process.on('message', (m: { type?: string; rows?: number }) => {
  if (m?.type !== 'die-after') return;
  written = 0;
  dieAfter = m.rows ?? Number.POSITIVE_INFINITY;
  process.send?.({ type: 'armed' });
});
await app.start();
const { url } = await app.listen(0, '127.0.0.1');
logger.info({ url }, 'fault-test bot ready');
process.send?.({ type: 'ready', url });

// The reminder job starts when the test says so (after its events are acknowledged: the job's long chain of awaited
// queries holds the event loop, and deliveries would otherwise wait for it). One message per recipient, keyed, so
// running it again after a crash is a no-op for what exists.
if (process.env.WAIT_FOR_GO === '1') await new Promise<void>((resolve) => process.once('message', () => resolve()));
const recipients = (process.env.FANOUT ?? '').split(',').filter(Boolean);
for (const openId of recipients) {
  await app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: openId, msgType: 'text', content: { text: `申报截止提醒（${openId}）` }, dedupeKey: `fault:remind:${openId}` });
}
process.send?.({ type: 'enqueued' });

/** Waits until no acknowledged event and no outbox row is left unfinished. */
async function drain(): Promise<void> {
  for (;;) {
    await app.settle();
    const open = await prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
    const unfinished = await prisma.processedEvent.count({ where: { status: 'received' } });
    if (open === 0 && unfinished === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

await drain();
logger.info({ sent: app.sender.stats }, 'fault-test bot drained');
process.send?.({ type: 'drained' });
process.on('message', (m: { type?: string; seq?: number }) => {
  if (m?.type === 'drain') void drain().then(() => process.send?.({ type: 'drained', seq: m.seq }));
});
process.once('disconnect', () => process.exit(0));
