/** Why: a reminder to every participant is the bot's biggest burst; this checks it goes out at Feishu's full permitted rate, once each. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeStats } from './fake-server.ts';
import type { FanoutResult } from './bot-server.ts';
import { getJson, postJson, say, sleep, spawnChild, TMP, type ChildMessage } from './lib.ts';

export interface FanoutReport {
  recipients: number;
  chats: number;
  messages: number;
  /** messages ÷ the binding permitted rate (1,000/min above 1,000 messages, else 50/s), seconds. */
  boundS: number;
  /** The earliest the last message could go out under Feishu's sliding windows (50/s, 1,000/min), seconds. */
  tightestS: number;
  elapsedS: number;
  lastSentS: number;
  enqueueS: number;
  ratio: number;
  rateLimited429: number;
  senderStats: FanoutResult['stats'];
  duplicates: number;
  lost: number;
  failed: number;
  rssIdleMb: number;
  rssAfterMb: number;
  heapAfterMb: number;
}

/** Feishu's per-app limits, as the fake enforces them. */
const PER_SECOND = 50;
const PER_MINUTE = 1000;

export function boundSeconds(messages: number): number {
  return messages > PER_MINUTE ? (messages / PER_MINUTE) * 60 : messages / PER_SECOND;
}

/** Message i (0-based) can go no earlier than the start of its minute block plus its second slot within the block. */
export function tightestSeconds(messages: number): number {
  if (messages <= 0) return 0;
  const i = messages - 1;
  return 60 * Math.floor(i / PER_MINUTE) + Math.floor((i % PER_MINUTE) / PER_SECOND);
}

/** One fan-out: a fresh fake that enforces the limits (300 ms latency), a fresh bot, N p2p users and M group chats. */
export async function runFanout(recipients: number, chats: number): Promise<FanoutReport> {
  const fake = spawnChild('fanout-fake', 'bench/fake-server.ts', { FAKE_LATENCY_MS: '300', FAKE_ENFORCE_LIMITS: '1' });
  let bot: ReturnType<typeof spawnChild> | undefined;
  try {
    const f = await fake.next<ChildMessage & { url: string; control: string }>('ready');
    const users = Array.from({ length: recipients }, (_, i) => `ou_fan_${String(i).padStart(5, '0')}`);
    const groups = Array.from({ length: chats }, (_, i) => ({ chatId: `oc_fan_group_${String(i).padStart(3, '0')}`, members: users.slice(i * 10, i * 10 + 10) }));
    await postJson(`${f.control}/setup`, { users, chats: groups });
    const dir = mkdtempSync(join(TMP, 'fanout-'));
    bot = spawnChild('fanout-bot', 'bench/bot-server.ts', { FAKE_URL: f.url, DATABASE_URL: `file:${join(dir, 'bot.db')}`, BOT_LOG: join(dir, 'bot.log') });
    await bot.next('ready');
    await sleep(3000); // idle, so the idle RSS the bot reports is after start-up settles
    const messages = users.length + groups.length;
    say(`fan-out: ${messages} messages (${users.length} p2p + ${groups.length} groups); bound ${boundSeconds(messages).toFixed(0)} s`);
    bot.send({ type: 'fanout', users, chats: groups.map((g) => g.chatId) });
    const r = await Promise.race([
      bot.next<FanoutResult>('fanout-done', 30 * 60_000),
      bot.next<ChildMessage & { error: string }>('fanout-failed', 30 * 60_000).then((m) => {
        throw new Error(`fan-out failed in the bot: ${m.error}`);
      }),
    ]);
    const stats = await getJson<FakeStats>(`${f.control}/stats`);
    const targets = [...users, ...groups.map((g) => g.chatId)];
    const duplicates = targets.reduce((n, id) => n + Math.max(0, (stats.byReceive[id] ?? 0) - 1), 0);
    const lost = targets.filter((id) => !stats.byReceive[id]).length;
    const report: FanoutReport = {
      recipients: users.length,
      chats: groups.length,
      messages,
      boundS: boundSeconds(messages),
      tightestS: tightestSeconds(messages),
      elapsedS: r.elapsedMs / 1000,
      lastSentS: r.lastSentMs / 1000,
      enqueueS: r.enqueueMs / 1000,
      ratio: r.elapsedMs / 1000 / boundSeconds(messages),
      rateLimited429: stats.rateLimited,
      senderStats: r.stats,
      duplicates,
      lost,
      failed: r.outbox.failed ?? 0,
      rssIdleMb: r.rssIdleMb,
      rssAfterMb: r.rssAfterMb,
      heapAfterMb: r.heapAfterMb,
    };
    say(`fan-out: ${report.elapsedS.toFixed(1)} s (${report.ratio.toFixed(3)}× bound), 429s ${report.rateLimited429}, duplicates ${duplicates}, lost ${lost}`);
    return report;
  } finally {
    await bot?.stop();
    await fake.stop();
  }
}
