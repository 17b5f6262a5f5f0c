/**
 * Why: every fan-out (a campaign's opening and closing notices, an inspection's result, the publicity list and the
 * commendation) is written with the state change that causes it, in one transaction; so a `kill -9` at any instant
 * leaves all of it or none, and after a restart every recipient has its message exactly once (issue 11, finding 1).
 */
// One database, one round, killed once in each fan-out at a seeded random point: while the click or command is being
// handled (before or during its transaction), or after k of its N messages reached the fake. The fake lives here.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createFakeFeishu, type FakeFeishu, type FakeMessage } from '../../src/sandbox/fake/index.ts';
import { openDatabase, type PrismaClient } from '../../src/store/db.ts';
import { CREDS } from '../helpers/harness.ts';
import { freshDbUrl } from '../helpers/db.ts';
import { textOf } from '../helpers/chat.ts';
import { linesWithSecrets, seeded, spawnBotChild, until } from './helpers.ts';

const SEC = 'ou_kill_sec';
const INSP = 'ou_kill_insp';
const MGR = 'ou_kill_mgr';
const GROUPS = Array.from({ length: 80 }, (_, i) => `oc_kill_${String(i).padStart(3, '0')}`);
const rng = seeded(11_2026);

let fake: FakeFeishu;
let dir: string;
let dbUrl: string;
let prisma: PrismaClient;
let clockStart = '2026-03-02T02:00:00Z';
/** The fake's clock signs deliveries; it moves with the bot's business clock, or the bot refuses them as stale. */
const fakeClock = new ManualClock(clockStart);
const children: ChildProcess[] = [];
const childLines: string[] = [];
const kills: string[] = [];

interface Bot {
  proc: ChildProcess;
  drained(): Promise<void>;
  /** Arms the child to SIGKILL itself at the n-th outbox row it writes from now on. */
  dieAfter(rows: number): Promise<void>;
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the bot child on the shared DB; resolves once it listens (and, unless told otherwise, has drained). */
async function startBot(o: { drained?: boolean } = {}): Promise<Bot> {
  const proc = spawnBotChild({ FAKE_URL: fake.url, DATABASE_URL: dbUrl, CLOCK_START: clockStart, FANOUT: '', WAIT_FOR_GO: '0', SECRETARIAT_OPEN_IDS: SEC }, childLines);
  children.push(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const seen = new Set<string>();
  const waiting = new Map<string, () => void>();
  proc.on('message', (m: { type: string; url?: string; seq?: number }) => {
    if (m.url) fake.setBotEndpoint(`${m.url}/lark/events`);
    const key = m.type === 'drained' ? `drained:${m.seq ?? 0}` : m.type;
    seen.add(key);
    waiting.get(key)?.();
  });
  const wait = (key: string) =>
    seen.has(key)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiting.set(key, resolve);
          void exited.then(() => reject(new Error(`bot child exited before "${key}": ${childLines.slice(-5).join('\n')}`)));
        });
  await wait('ready');
  if (o.drained !== false) await wait('drained:0'); // recovery of unfinished events and of the outbox the last process left
  let seq = 0;
  return {
    proc,
    exited,
    drained: () => {
      const s = ++seq;
      proc.send({ type: 'drain', seq: s });
      return wait(`drained:${s}`);
    },
    dieAfter: (rows) => {
      seen.delete('armed');
      proc.send({ type: 'die-after', rows });
      return wait('armed');
    },
    stop: async () => {
      const closed = new Promise((r) => proc.once('close', r));
      proc.kill('SIGTERM');
      await closed;
    },
  };
}

/** Sends a text as `from` (p2p); does not wait for the bot (it may die while handling it). */
function send(from: string, text: string, eventId: string): Promise<void> {
  void fake.deliverMessage({ from, chatType: 'p2p', text, eventId }).catch(() => null);
  return until(async () => !!(await prisma.processedEvent.findUnique({ where: { eventId } })), `event ${eventId} stored`);
}

/** The latest card to `who` whose content includes `marker`. */
const cardTo = (who: string, marker: string) => [...fake.messagesTo(who)].reverse().find((m) => m.msg_type === 'interactive' && m.content.includes(marker));
/** Clicks a button value as `who` on `card`; does not wait for the answer. */
function click(who: string, card: FakeMessage, value: Record<string, unknown>, eventId: string): Promise<void> {
  void fake.deliverCardAction({ operator: who, value, messageId: card.message_id, chatId: card.chat_id, eventId }).catch(() => null);
  return until(async () => !!(await prisma.processedEvent.findUnique({ where: { eventId } })), `click ${eventId} stored`);
}

/**
 * Kills the bot twice at seeded random points of one fan-out of `total` messages matching `isFanout`: first while
 * the handler writes it (the process dies at its n-th outbox row: mid-transaction, or mid-loop for code that writes
 * row by row), then, after a restart, while it is being sent (once k messages reached the fake). Then restarts it
 * once more and waits until everything is sent.
 */
async function killTwice(bot: Bot, what: string, total: number, isFanout: (m: FakeMessage) => boolean, act: () => Promise<void>): Promise<Bot> {
  const n = rng.int(1, total);
  await bot.dieAfter(n);
  await act();
  await bot.exited;
  kills.push(`${what}: died writing outbox row ${n} of ${total}`);
  const resumed = await startBot({ drained: false });
  const k = rng.int(1, total);
  // Kill once k have been sent, or once the bot has nothing left to send (then the assertions say what is missing).
  await Promise.race([until(() => fake.messages.filter(isFanout).length >= k, `${k} of ${what}`, 60_000), resumed.drained()]);
  resumed.proc.kill('SIGKILL');
  await resumed.exited;
  kills.push(`${what}: killed after ${fake.messages.filter(isFanout).length} of ${total} sent`);
  const next = await startBot();
  await next.drained();
  return next;
}

function exactlyOnce(recipients: readonly string[], isFanout: (m: FakeMessage) => boolean, what: string) {
  for (const r of recipients) expect(fake.messagesTo(r).filter(isFanout), `${what} to ${r}`).toHaveLength(1);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'botkillfan-'));
  dbUrl = freshDbUrl(dir);
  fake = await createFakeFeishu({ ...CREDS, clock: fakeClock, latencyMs: 25 });
  for (const u of [SEC, INSP, MGR]) fake.addUser({ openId: u, name: u });
  for (const g of GROUPS) fake.addChat({ chatId: g, name: g, type: 'group', members: [SEC] });
  // The directory: one region per group (bound), one bank, quotas are not needed for these fan-outs.
  prisma = await openDatabase(dbUrl);
  const now = new Date(clockStart);
  for (const [i, g] of GROUPS.entries()) await prisma.region.create({ data: { name: `地区${i}`, chatId: g, createdAt: now } });
  await prisma.memberUnit.create({ data: { name: '示范银行', createdAt: now } });
  await prisma.roleGrant.create({ data: { openId: INSP, role: 'inspector', grantedBy: 'test', createdAt: now } });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await prisma?.$disconnect();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 in every fan-out, then restart', () => {
  it('every group and person gets each notice exactly once, and each command one reply', async () => {
    let bot = await startBot();

    // 1. Opening: the click on 确认开启.
    await send(SEC, '/campaign open 杀进程测试评选 --apply-by 2026-05-31', 'ev_open_cmd');
    await until(() => !!cardTo(SEC, '"campaign.confirm"'), 'the confirmation card');
    const campaign = await prisma.campaign.findFirstOrThrow();
    const announce = (m: FakeMessage) => m.content.includes('杀进程测试评选 开始申报');
    bot = await killTwice(bot, 'announcements', GROUPS.length, announce, () => click(SEC, cardTo(SEC, '"campaign.confirm"')!, { a: 'campaign.confirm', op: 'open', id: campaign.id }, 'ev_open_click'));
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe('OPEN');
    exactlyOnce(GROUPS, announce, 'the announcement');

    // 2. An inspection's result, to the region's group and the manager (a PRESELECTED candidate seeded as issue 6's tests do).
    const bank = await prisma.memberUnit.findFirstOrThrow();
    const region = await prisma.region.findFirstOrThrow({ where: { chatId: GROUPS[0] } });
    const unit = await prisma.unit.create({ data: { name: '杀进程支行', memberUnitId: bank.id, regionId: region.id } });
    const app = await prisma.application.create({ data: { campaignId: campaign.id, unitId: unit.id, tier: 'qian', status: 'PRESELECTED', managerOpenId: MGR, submittedAt: new Date(clockStart) } });
    await prisma.quota.create({ data: { campaignId: campaign.id, regionId: region.id, tier: 'qian', quota: 1 } });
    const ins = await prisma.inspection.create({ data: { applicationId: app.id, inspectorOpenId: INSP, kind: 'onsite', rubricId: 'cbss-2026', assignedBy: SEC, assignedAt: new Date(clockStart) } });
    const result = (m: FakeMessage) => m.content.includes('检查结果 · 杀进程支行');
    bot = await killTwice(bot, 'results', 2, result, () => send(INSP, `/score submit ${ins.id}`, 'ev_score_submit'));
    exactlyOnce([GROUPS[0]!, MGR], result, 'the result card');
    expect(fake.messages.filter((m) => m.replyTo !== undefined && m.content.includes(`已提交任务 #${ins.id}`))).toHaveLength(1);

    // 3. Closing: the click on 确认关闭.
    await send(SEC, '/campaign close', 'ev_close_cmd');
    await until(() => !!cardTo(SEC, '"op":"close"'), 'the close confirmation');
    const closed = (m: FakeMessage) => m.content.includes('杀进程测试评选 已关闭申报');
    bot = await killTwice(bot, 'closing notices', GROUPS.length, closed, () => click(SEC, cardTo(SEC, '"op":"close"')!, { a: 'campaign.confirm', op: 'close', id: campaign.id }, 'ev_close_click'));
    exactlyOnce(GROUPS, closed, 'the closing notice');

    // 4. Publicity: /results publish.
    const publicity = (m: FakeMessage) => m.content.includes('拟命名名单公示');
    bot = await killTwice(bot, 'publicity lists', GROUPS.length, publicity, () => send(SEC, '/results publish', 'ev_publish'));
    exactlyOnce(GROUPS, publicity, 'the publicity list');
    expect(fake.messages.filter((m) => m.replyTo !== undefined && textOf(m).includes('已发布公示名单'))).toHaveLength(1);

    // 5. After publicity and 复选, /results announce.
    const round = await prisma.resultRound.findUniqueOrThrow({ where: { campaignId: campaign.id } });
    await bot.stop();
    clockStart = new Date(new Date(`${round.publicityEndsOn}T02:00:00Z`).getTime() + 86_400_000).toISOString(); // the day after publicity
    fakeClock.set(clockStart);
    bot = await startBot();
    await send(SEC, '/复选', 'ev_recheck');
    await bot.drained();
    await send(SEC, '/复选保留 全部', 'ev_keep');
    await bot.drained();
    expect((await prisma.recheckItem.findMany()).map((i) => i.status)).toEqual(['KEPT']);
    const commend = (m: FakeMessage) => m.content.includes('杀进程测试评选 命名表彰');
    bot = await killTwice(bot, 'commendations', GROUPS.length, commend, () => send(SEC, '/results announce', 'ev_announce'));
    exactlyOnce(GROUPS, commend, 'the commendation');
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe('ANNOUNCED');
    expect(textOf(fake.messagesTo(GROUPS[0]!).find(commend))).toContain('杀进程支行');

    // Every state change happened once, every row was sent, every event finished.
    for (const action of ['campaign.open', 'campaign.closed', 'inspection.submit', 'results.publish', 'results.announce', 'campaign.announced']) {
      expect(await prisma.auditLog.count({ where: { action } }), action).toBe(1);
    }
    expect(await prisma.outboxMessage.count({ where: { status: { not: 'sent' } } })).toBe(0);
    expect(await prisma.processedEvent.count({ where: { status: { not: 'done' } } })).toBe(0);
    expect(kills).toHaveLength(10);
    await bot.stop();
  }, 180_000);

  it("the children's logs hold no app secret, encrypt key or verification token (runs last)", () => {
    expect(childLines.some((l) => l.includes('fault-test bot drained'))).toBe(true);
    expect(linesWithSecrets(childLines, [CREDS.appSecret, CREDS.encryptKey, CREDS.verificationToken])).toEqual([]);
  });
});
