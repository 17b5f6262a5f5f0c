/**
 * Why: in threaded mode an event is acknowledged before any handler runs, so a process killed (-9) after the ack must
 * work the event after its restart: every acknowledged event gets exactly one reply.
 */
// The bot is src/main.ts as `npm start` runs it (threaded, the default), in a child process on a SQLite file; the fake
// lives here and sees every send. The events arrive while the worker thread is still loading the bot, and the process
// is killed right after their acks, so they are stored and unfinished.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createFakeFeishu, type FakeFeishu } from '../../src/sandbox/fake/index.ts';
import { CREDS } from '../helpers/harness.ts';
import { linesWithSecrets, spawnBotChild, until } from '../faults/helpers.ts';

let fake: FakeFeishu;
let dir: string;
const children: ChildProcess[] = [];
const lines: string[] = [];

/** Starts `npm start`'s entry on the shared database; resolves with its URL once it acknowledges. */
async function startBot(dbFile: string): Promise<{ proc: ChildProcess; url: string }> {
  const from = lines.length;
  const proc = spawnBotChild(
    {
      LARK_APP_ID: CREDS.appId,
      LARK_APP_SECRET: CREDS.appSecret,
      LARK_ENCRYPT_KEY: CREDS.encryptKey,
      LARK_VERIFICATION_TOKEN: CREDS.verificationToken,
      LARK_DOMAIN: fake.url,
      DATABASE_URL: `file:${dbFile}`,
      PORT: '0',
      LOG_LEVEL: 'info',
      WORK_THREAD: 'true',
    },
    lines,
    'src/main.ts',
  );
  children.push(proc);
  let url = '';
  await until(() => {
    for (const l of lines.slice(from)) {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(l);
      if (m && l.includes('bot acknowledging')) url = m[1]!;
    }
    if (proc.exitCode !== null) throw new Error(`the bot exited (${proc.exitCode}): ${lines.slice(-5).join('\n')}`);
    return url !== '';
  }, 'the bot to listen', 30_000);
  return { proc, url };
}

const unfinished = (dbFile: string) => {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM "ProcessedEvent" WHERE "status" = 'received'`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threaded-kill-'));
  fake = await createFakeFeishu({ ...CREDS, clock: new ManualClock(new Date().toISOString()) });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('threaded mode: kill -9 after the acks, then restart', () => {
  it('every acknowledged event is worked on after the restart, exactly once', async () => {
    const dbFile = join(dir, 'bot.db');
    const first = await startBot(dbFile);
    fake.setBotEndpoint(`${first.url}/lark/events`);
    const people = Array.from({ length: 20 }, (_, i) => `ou_kill9_${i}`);
    const asked = await Promise.all(people.map((from) => fake.deliverMessage({ from, chatType: 'p2p', text: '帮助' })));
    expect(asked.map((d) => d.responses[0]!.status)).toEqual(people.map(() => 200));
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    const repliedAtKill = fake.messages.length;
    expect(repliedAtKill, 'killed before the work was done').toBeLessThan(people.length);
    expect(unfinished(dbFile)).toBe(people.length - repliedAtKill);

    const second = await startBot(dbFile);
    fake.setBotEndpoint(`${second.url}/lark/events`);
    await fake.waitFor((ms) => asked.every((d) => ms.some((m) => m.replyTo === d.messageId)), { timeoutMs: 60_000, what: 'a reply to every acknowledged event' });
    // A redelivery after the restart is known (stored), and the bot still answers new people.
    const again = await fake.deliverMessage({ from: people[0]!, chatType: 'p2p', text: '帮助', eventId: asked[0]!.eventId, messageId: asked[0]!.messageId });
    expect(again.responses[0]!.status).toBe(200);
    const late = await fake.deliverMessage({ from: 'ou_kill9_late', chatType: 'p2p', text: '帮助' });
    await fake.waitFor((ms) => ms.some((m) => m.replyTo === late.messageId), { timeoutMs: 30_000, what: 'the reply to a new event' });
    for (const d of [...asked, late]) expect(fake.messages.filter((m) => m.replyTo === d.messageId), `replies to ${d.messageId}`).toHaveLength(1);
    expect(fake.messages).toHaveLength(people.length + 1);
    await until(() => unfinished(dbFile) === 0, 'every event marked finished');

    const closed = new Promise((r) => second.proc.once('close', r));
    second.proc.kill('SIGTERM');
    await closed;
    expect(linesWithSecrets(lines, [CREDS.appSecret, CREDS.encryptKey, CREDS.verificationToken])).toEqual([]);
  }, 120_000);
});
