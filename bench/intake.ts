/** Why: measures how fast each bot acknowledges signed, encrypted message events at a fixed rate, with autocannon as the load generator. */
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { PooledRequest } from './fake-server.ts';
import type { BotStats } from './bot-server.ts';
import { postJson, say, sleep, spawnChild, TMP, type ChildMessage } from './lib.ts';

export type BotKind = 'ours' | 'reference';

export interface IntakeResult {
  bot: BotKind;
  rate: number;
  /** Requests sent (each a distinct event_id). */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** 2xx answers per second, from the first request sent to the last answer received. */
  sustained: number;
  durationS: number;
  /** Ours only: what the bot process did during the measured run (diagnosis of a missed target). */
  inside?: { statements: number; handled: number; received: number; cpuMs: number; loopDelayP99Ms: number; rssMb: number };
}

/**
 * Fires `pool` at `rate` requests/s, evenly spaced. autocannon's `overallRate` gives each connection a per-second quota
 * and releases every connection at the same instant each second, which turns "500/s" into one burst of 500 per second.
 * With one request per second per connection, we shift each connection's one-second tick by i/connections of a
 * second (in setupClient, through autocannon 9's per-client `rateInterval`/`paused` fields), so requests arrive
 * evenly, as independent Feishu deliveries would. Latencies are recorded as measured (ignoreCoordinatedOmission):
 * autocannon's correction assumes an expected interval of ceil(1/rate) *milliseconds* and would add thousands of
 * synthetic samples below the real latency when each connection sends once a second.
 */
export async function fire(url: string, pool: PooledRequest[], rate: number): Promise<autocannon.Result & { spanS: number }> {
  const connections = rate;
  let next = 0;
  let first = 0;
  let last = 0;
  let clientIndex = 0;
  const pending = new Set<NodeJS.Timeout>();
  type RateClient = { rate: number; reqsMadeThisSecond: number; paused?: boolean; destroyed?: boolean; rateInterval?: NodeJS.Timeout; _doRequest(): void };
  const result = await autocannon({
    url: `${url}/lark/events`,
    method: 'POST',
    connections,
    overallRate: rate,
    amount: pool.length,
    timeout: 20,
    ignoreCoordinatedOmission: true,
    setupClient(raw: unknown) {
      const client = raw as RateClient;
      const offset = (clientIndex++ / connections) * 1000;
      client.reqsMadeThisSecond = Number.POSITIVE_INFINITY; // hold the constructor's first request until our phase
      setImmediate(() => {
        clearInterval(client.rateInterval);
        const tick = () => {
          if (client.destroyed) return clearInterval(client.rateInterval);
          client.reqsMadeThisSecond = 0;
          if (client.paused) {
            client.paused = false;
            client._doRequest();
          }
        };
        const t = setTimeout(() => {
          pending.delete(t);
          if (client.destroyed) return;
          client.rateInterval = setInterval(tick, 1000);
          tick();
        }, offset);
        pending.add(t);
      });
    },
    requests: [
      {
        setupRequest(req) {
          if (!first) first = performance.now();
          const p = pool[next++ % pool.length]!;
          return { ...req, method: 'POST', path: '/lark/events', body: p.body, headers: { ...p.headers } };
        },
        onResponse() {
          last = performance.now();
        },
      },
    ],
  } as autocannon.Options);
  for (const t of pending) clearTimeout(t);
  return Object.assign(result, { spanS: last > first ? (last - first) / 1000 : result.duration });
}

function summarize(bot: BotKind, rate: number, r: autocannon.Result & { spanS: number }): IntakeResult {
  const ok = r['2xx'];
  return {
    bot,
    rate,
    sent: ok + r.non2xx + r.errors, // autocannon counts timeouts among errors
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    sustained: r.spanS > 0 ? ok / r.spanS : 0,
    durationS: r.spanS,
  };
}

async function askStats(child: ReturnType<typeof spawnChild>): Promise<BotStats> {
  child.send({ type: 'stats' });
  return child.next<BotStats>('stats', 120_000);
}

/** One measured run: a fresh fake (300 ms Open API latency) and a fresh bot process, a short warm-up, then the load. */
export async function runIntake(bot: BotKind, rate: number, seconds: number): Promise<IntakeResult> {
  const tag = `intake-${bot}-${rate}`;
  const fake = spawnChild(`${tag}-fake`, 'bench/fake-server.ts', { FAKE_LATENCY_MS: '300' });
  let botChild: ReturnType<typeof spawnChild> | undefined;
  try {
    const f = await fake.next<ChildMessage & { url: string; control: string }>('ready');
    const dir = mkdtempSync(join(TMP, `${tag}-`));
    botChild =
      bot === 'ours'
        ? spawnChild(`${tag}-bot`, 'bench/bot-server.ts', { FAKE_URL: f.url, DATABASE_URL: `file:${join(dir, 'bot.db')}`, BOT_LOG: join(dir, 'bot.log') })
        : spawnChild(`${tag}-bot`, 'bench/reference-bot.ts', { FAKE_URL: f.url });
    const b = await botChild.next<ChildMessage & { url: string }>('ready');
    const warm = await postJson<PooledRequest[]>(`${f.control}/pool`, { n: 100, users: 100, prefix: 'warm' });
    await fire(b.url, warm, 50);
    // Let the warm-up's background work finish, so the measured run starts from rest.
    for (let i = 0; i < 60 && bot === 'ours'; i++) {
      const s = await askStats(botChild);
      if ((s.events.done ?? 0) + (s.events.failed ?? 0) >= Object.values(s.events).reduce((a, n) => a + n, 0)) break;
      await sleep(500);
    }
    await sleep(1000);
    const pool = await postJson<PooledRequest[]>(`${f.control}/pool`, { n: rate * seconds, users: 1000, prefix: 'load' });
    say(`${tag}: ${pool.length} events at ${rate}/s`);
    const before = bot === 'ours' ? await askStats(botChild) : undefined;
    const r = summarize(bot, rate, await fire(b.url, pool, rate));
    if (before) {
      const after = await askStats(botChild);
      const done = (s: BotStats) => s.events.done ?? 0;
      r.inside = {
        statements: after.statements - before.statements,
        handled: done(after) - done(before),
        received: Object.values(after.events).reduce((a, n) => a + n, 0) - Object.values(before.events).reduce((a, n) => a + n, 0),
        cpuMs: after.cpuMs - before.cpuMs,
        loopDelayP99Ms: after.loopDelayP99Ms,
        rssMb: after.rssMb,
      };
    }
    say(`${tag}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.sustained.toFixed(0)} ev/s sustained, non-2xx ${r.non2xx}, errors ${r.errors}${r.inside ? `, handled ${r.inside.handled}/${r.inside.received}, ${r.inside.statements} SQL statements, ${(r.inside.cpuMs / r.durationS / 10).toFixed(0)}% CPU` : ''}`);
    return r;
  } finally {
    await botChild?.stop();
    await fake.stop();
  }
}
