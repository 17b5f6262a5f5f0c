/**
 * Why: the point of PostgreSQL mode (issue 17): two bot processes on one database, the primary killed with SIGKILL in
 * the middle of an 80-group announcement, and the standby takes over: every group gets it exactly once. And a reminder
 * tick run by two instances at once writes nothing twice.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createFakeFeishu, type FakeFeishu, type FakeMessage } from '../../src/sandbox/fake/index.ts';
import { openDatabase, type PrismaClient } from '../../src/store/db.ts';
import { createApp } from '../../src/app.ts';
import { createLarkClient } from '../../src/send/client.ts';
import { virtualPace } from '../../src/send/limiter.ts';
import { CREDS } from '../helpers/harness.ts';
import { dropTestSchema, freshPgUrl } from '../helpers/db.ts';
import { linesWithSecrets, spawnBotChild, until } from './helpers.ts';
import { addFakeDirectory, local, reminderHarness, seedWorld } from '../scheduler/seed.ts';

const SEC = 'ou_fo_sec';
const GROUPS = Array.from({ length: 80 }, (_, i) => `oc_fo_${String(i).padStart(3, '0')}`);
const CLOCK_START = '2026-03-02T02:00:00Z';

let fake: FakeFeishu;
let dbUrl: string;
let prisma: PrismaClient;
const children: ChildProcess[] = [];
const childLines: string[] = [];

interface Bot {
  proc: ChildProcess;
  url: string;
  exited: Promise<void>;
}

async function startBot(): Promise<Bot> {
  const proc = spawnBotChild(
    { FAKE_URL: fake.url, DATABASE_URL: dbUrl, CLOCK_START, FANOUT: '', WAIT_FOR_GO: '0', SECRETARIAT_OPEN_IDS: SEC, PRIMARY_POLL_MS: '200', OUTBOX_POLL_MS: '100' },
    childLines,
  );
  children.push(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    proc.on('message', (m: { type: string; url?: string }) => {
      if (m.type === 'ready' && m.url) resolve(m.url);
    });
    void exited.then(() => reject(new Error(`bot child exited before ready: ${childLines.slice(-5).join('\n')}`)));
  });
  fake.setBotEndpoint(`${url}/lark/events`);
  return { proc, url, exited };
}

async function healthOf(b: Bot): Promise<{ primary: boolean; database: string }> {
  return (await (await fetch(`${b.url}/healthz`)).json()) as { primary: boolean; database: string };
}

const cardTo = (who: string, marker: string) => [...fake.messagesTo(who)].reverse().find((m) => m.msg_type === 'interactive' && m.content.includes(marker));

beforeAll(async () => {
  dbUrl = freshPgUrl();
  fake = await createFakeFeishu({ ...CREDS, clock: new ManualClock(CLOCK_START), latencyMs: 60 });
  fake.addUser({ openId: SEC, name: SEC });
  for (const g of GROUPS) fake.addChat({ chatId: g, name: g, type: 'group', members: [SEC] });
  prisma = await openDatabase(dbUrl);
  const now = new Date(CLOCK_START);
  for (const [i, g] of GROUPS.entries()) await prisma.region.create({ data: { name: `地区${i}`, chatId: g, createdAt: now } });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await prisma?.$disconnect();
  await fake?.close();
  if (dbUrl) await dropTestSchema(dbUrl);
});

describe('two instances on one PostgreSQL', () => {
  it('the primary is killed mid fan-out of an 80-group announcement; the standby takes over and every group gets it exactly once', async () => {
    const a = await startBot();
    await until(async () => (await healthOf(a)).primary, 'the first instance to become the primary');
    const b = await startBot(); // deliveries now go to b, the standby: a still sends everything
    expect(await healthOf(b)).toMatchObject({ primary: false, database: 'postgres' });

    void fake.deliverMessage({ from: SEC, chatType: 'p2p', text: '/campaign open 双实例评选 --apply-by 2026-05-31', eventId: 'ev_fo_open' }).catch(() => null);
    await until(() => !!cardTo(SEC, '"campaign.confirm"'), 'the confirmation card (handled by the standby, sent by the primary)').catch((err) => {
      (globalThis as any).process.getBuiltinModule('node:fs').writeFileSync('/tmp/fo-child.log', childLines.join('\n'));
      throw err;
    });
    const campaign = await prisma.campaign.findFirstOrThrow();
    const announce = (m: FakeMessage) => m.content.includes('双实例评选 开始申报');
    const confirm = cardTo(SEC, '"campaign.confirm"')!;
    void fake.deliverCardAction({ operator: SEC, value: { a: 'campaign.confirm', op: 'open', id: campaign.id }, messageId: confirm.message_id, chatId: confirm.chat_id, eventId: 'ev_fo_click' }).catch(() => null);

    await until(() => fake.messages.filter(announce).length >= 10, '10 announcements sent by the primary', 30_000);
    a.proc.kill('SIGKILL');
    await a.exited;
    const sentByA = fake.messages.filter(announce).length;
    expect(sentByA).toBeLessThan(GROUPS.length); // it died mid fan-out

    await until(async () => (await healthOf(b)).primary, 'the standby to take over', 10_000);
    await until(() => new Set(fake.messages.filter(announce).map((m) => m.chat_id)).size === GROUPS.length, 'every group announced', 30_000);
    await until(async () => (await prisma.outboxMessage.count({ where: { status: { not: 'sent' } } })) === 0, 'the outbox drained');
    for (const g of GROUPS) expect(fake.messagesTo(g).filter(announce), `the announcement to ${g}`).toHaveLength(1);
    expect(await prisma.auditLog.count({ where: { action: 'campaign.open' } })).toBe(1);
    expect(await prisma.processedEvent.count({ where: { status: { not: 'done' } } })).toBe(0);
    expect(linesWithSecrets(childLines, [CREDS.appSecret, CREDS.encryptKey, CREDS.verificationToken])).toEqual([]);
    b.proc.kill('SIGTERM');
    await b.exited;
  }, 120_000);

  it('a reminder tick run by two instances at once writes each reminder and each audit row once', async () => {
    const h = await reminderHarness({ dbUrl: freshPgUrl() });
    const other = await openDatabase(h.dbUrl);
    const second = createApp({ config: h.config, lark: createLarkClient({ appId: h.config.appId, appSecret: h.config.appSecret, domain: h.fake.url, logger: h.logger }), prisma: other, clock: h.clock, logger: h.logger, pace: virtualPace() });
    try {
      addFakeDirectory(h);
      await seedWorld(h);
      await second.start();
      expect(h.app.isPrimary()).toBe(true);
      expect(second.isPrimary()).toBe(false);
      h.clock.set(local('2026-04-09', '09:00'));
      const audits = await h.prisma.auditLog.count();
      const [x, y] = await Promise.all([h.app.scheduler.tick(), second.scheduler.tick()]);
      expect(x.enqueued + y.enqueued).toBe(6);
      expect([x.skipped, y.skipped]).toContain('clock'); // the second waited for the first, then found the window done
      const keys = (await h.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'reminder:' } } })).map((r) => r.dedupeKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(6);
      const added = (await h.prisma.auditLog.findMany({ orderBy: { id: 'asc' }, skip: audits })).map((r) => `${r.action} ${r.target} ${r.after}`);
      expect(new Set(added).size).toBe(added.length);
      await h.app.settle();
      for (const id of ['ou_m1', 'ou_m2', 'ou_m4', 'ou_ma2', 'oc_bj', 'oc_sh']) expect(h.fake.messagesTo(id)).toHaveLength(1);
    } finally {
      await second.stop();
      await other.$disconnect();
      await h.close();
      await dropTestSchema(h.dbUrl);
    }
  });
});
