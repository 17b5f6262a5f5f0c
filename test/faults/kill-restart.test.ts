/** Why: a bot host can die at any instant; after `kill -9` and a restart every recipient must have its message exactly once. */
// The bot runs as a child process (test/faults/bot-child.ts) on a SQLite file; the fake Feishu lives here, so it
// survives the kill and sees every send. The child's business clock is a ManualClock and its pacing virtual.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createFakeFeishu, type FakeFeishu } from '../../src/sandbox/fake/index.ts';
import { openDatabase } from '../../src/store/db.ts';
import { CREDS } from '../helpers/harness.ts';
import { freshDbUrl } from '../helpers/db.ts';
import { currentTenantToken, linesWithSecrets, spawnBotChild, until } from './helpers.ts';

const CLOCK_START = '2026-03-02T02:00:00Z';
const RECIPIENTS = Array.from({ length: 300 }, (_, i) => `ou_kill_${String(i).padStart(3, '0')}`);
const ASKERS = Array.from({ length: 20 }, (_, i) => `ou_kill_asker_${i}`);

let fake: FakeFeishu;
let dir: string;
const children: ChildProcess[] = [];
const childLines: string[] = [];
const tokens = new Set<string>();

interface Bot {
  proc: ChildProcess;
  url: string;
  next(type: string): Promise<void>;
}

/** Starts the bot child on the shared DB; resolves once it listens. */
async function startBot(dbUrl: string, waitForGo: boolean): Promise<Bot> {
  const proc = spawnBotChild({ FAKE_URL: fake.url, DATABASE_URL: dbUrl, CLOCK_START, FANOUT: RECIPIENTS.join(','), WAIT_FOR_GO: waitForGo ? '1' : '0' }, childLines);
  children.push(proc);
  const seen: string[] = [];
  const waiters: Array<{ type: string; resolve: () => void }> = [];
  let url = '';
  proc.on('message', (m: { type: string; url?: string }) => {
    if (m.url) url = m.url;
    seen.push(m.type);
    for (const w of waiters.filter((x) => x.type === m.type)) w.resolve();
  });
  const next = (type: string) =>
    seen.includes(type)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ type, resolve });
          proc.once('exit', (code, signal) => reject(new Error(`bot child exited (${code ?? signal}) before "${type}": ${childLines.slice(-5).join('\n')}`)));
        });
  await next('ready');
  return { proc, url, next };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'botkill-'));
  fake = await createFakeFeishu({ ...CREDS, clock: new ManualClock(CLOCK_START), latencyMs: 15 });
  for (const u of RECIPIENTS) fake.addUser({ openId: u, name: u });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 mid-fan-out, then restart', () => {
  it('every recipient gets the reminder exactly once, and every acknowledged event one reply', async () => {
    const dbUrl = freshDbUrl(dir);
    const first = await startBot(dbUrl, true);
    fake.setBotEndpoint(`${first.url}/lark/events`);
    const asked = await Promise.all(ASKERS.map((from) => fake.deliverMessage({ from, chatType: 'p2p', text: '帮助' })));
    expect(asked.every((d) => d.responses[0]!.status === 200)).toBe(true);
    first.proc.send({ type: 'go' });
    await until(() => fake.messages.length >= 60, 'some sends to be recorded', 40_000);
    tokens.add(await currentTenantToken(fake));
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    const atKill = fake.messages.length;
    expect(atKill, 'the kill came mid-fan-out').toBeLessThan(RECIPIENTS.length + ASKERS.length);

    // Restart on the same database; the reminder job runs again too (its dedupe keys make that a no-op).
    const second = await startBot(dbUrl, false);
    fake.setBotEndpoint(`${second.url}/lark/events`);
    await second.next('drained');

    for (const u of RECIPIENTS) expect(fake.messagesTo(u).filter((m) => m.replyTo === undefined), `reminders to ${u}`).toHaveLength(1);
    for (const d of asked) expect(fake.messages.filter((m) => m.replyTo === d.messageId), `replies to ${d.messageId}`).toHaveLength(1);
    expect(fake.messages).toHaveLength(RECIPIENTS.length + ASKERS.length);

    const prisma = await openDatabase(dbUrl);
    try {
      expect(await prisma.outboxMessage.count()).toBe(RECIPIENTS.length + ASKERS.length);
      expect(await prisma.outboxMessage.count({ where: { status: { not: 'sent' } } })).toBe(0);
      expect(await prisma.processedEvent.count({ where: { status: { not: 'done' } } })).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
    // Stop it and wait for its output to be read in full: the last test reads every line it wrote.
    const closed = new Promise((r) => second.proc.once('close', r));
    second.proc.kill('SIGTERM');
    await closed;
  }, 90_000);

  it("the children's logs hold no app secret, encrypt key or tenant token (runs last)", () => {
    expect(childLines.some((l) => l.includes('fault-test bot drained'))).toBe(true);
    expect(linesWithSecrets(childLines, [CREDS.appSecret, CREDS.encryptKey, CREDS.verificationToken, ...tokens])).toEqual([]);
  });
});
