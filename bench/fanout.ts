/** Why: a reminder to every participant is the bot's biggest burst; this checks it goes out at Feishu's full permitted rate, once each. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeStats, PooledRequest } from './fake-server.ts';
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
  /**
   * People writing to the bot while the fan-out drains: one 帮助 every PERSON_EVERY_MS from a new person, posted to
   * /lark/events; the time from the post to the fake recording the bot's reply (its 300 ms latency included).
   */
  replies: { asked: number; answered: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** How often a person writes while the fan-out drains. */
const PERSON_EVERY_MS = 1000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

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
    const botUrl = (await bot.next<ChildMessage & { url: string }>('ready', 120_000)).url;

    await sleep(3000); // idle, so the idle RSS the bot reports is after start-up settles
    const messages = users.length + groups.length;
    say(`fan-out: ${messages} messages (${users.length} p2p + ${groups.length} groups); bound ${boundSeconds(messages).toFixed(0)} s`);
    bot.send({ type: 'fanout', users, chats: groups.map((g) => g.chatId) });
    // People write while it drains; each post is timed from here to the reply the fake records.
    const posted = new Map<string, number>();
    let draining = true;
    const asking = (async () => {
      await sleep(2000);
      for (let i = 0; draining; i++) {
        // Built just before it is posted: a signed request is accepted within 5 minutes of its timestamp.
        const [p] = await postJson<PooledRequest[]>(`${f.control}/pool`, { n: 1, users: 1, prefix: `person${i}` });
        if (!p || !draining) break;
        posted.set(p.messageId!, Date.now());
        void fetch(`${botUrl}/lark/events`, { method: 'POST', headers: p.headers, body: p.body }).catch(() => undefined);
        await sleep(PERSON_EVERY_MS);
      }
    })();
    const r = await Promise.race([
      bot.next<FanoutResult>('fanout-done', 30 * 60_000),
      bot.next<ChildMessage & { error: string }>('fanout-failed', 30 * 60_000).then((m) => {
        throw new Error(`fan-out failed in the bot: ${m.error}`);
      }),
    ]);
    draining = false;
    await asking;
    await sleep(5000); // the last person's reply
    const replied = new Map((await getJson<Array<{ replyTo: string; at: number }>>(`${f.control}/replies`)).map((x) => [x.replyTo, x.at]));
    const times = [...posted].filter(([id]) => replied.has(id)).map(([id, at]) => replied.get(id)! - at);
    const stats = await getJson<FakeStats>(`${f.control}/stats`);
    const targets = [...users, ...groups.map((g) => g.chatId)];
    const duplicates = targets.reduce((n, id) => n + Math.max(0, (stats.byReceive[id] ?? 0) - 1), 0);
    const lost = targets.filter((id) => !stats.byReceive[id]).length;
    say(`fan-out: ${times.length}/${posted.size} people answered while it drained, p50 ${pct(times, 50)} ms, p99 ${pct(times, 99)} ms`);
    // The people's replies share the app-wide limits with the fan-out, so the bound counts them too.
    const shared = messages + times.length;
    const report: FanoutReport = {
      recipients: users.length,
      chats: groups.length,
      messages,
      boundS: boundSeconds(shared),
      tightestS: tightestSeconds(shared),
      elapsedS: r.elapsedMs / 1000,
      lastSentS: r.lastSentMs / 1000,
      enqueueS: r.enqueueMs / 1000,
      ratio: r.elapsedMs / 1000 / boundSeconds(shared),
      rateLimited429: stats.rateLimited,
      senderStats: r.stats,
      duplicates,
      lost,
      failed: r.outbox.failed ?? 0,
      rssIdleMb: r.rssIdleMb,
      rssAfterMb: r.rssAfterMb,
      heapAfterMb: r.heapAfterMb,
      replies: { asked: posted.size, answered: times.length, p50Ms: pct(times, 50), p99Ms: pct(times, 99), maxMs: Math.max(...times) },
    };
    say(`fan-out: ${report.elapsedS.toFixed(1)} s (${report.ratio.toFixed(3)}× bound), 429s ${report.rateLimited429}, duplicates ${duplicates}, lost ${lost}`);
    return report;
  } finally {
    await bot?.stop();
    await fake.stop();
  }
}
