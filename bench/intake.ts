/** Why: measures how fast each bot acknowledges signed, encrypted message events at a fixed rate, with autocannon as the load generator. */
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { PooledRequest } from './fake-server.ts';
import { botEnv, cpuMs, freePort, postJson, rssMb, say, sleep, spawnChild, startFlags, TMP, untilHealth, type Child, type ChildMessage } from './lib.ts';

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
  /**
   * What the bot process did during the measured run: CPU (both threads), RSS after it, and (ours) how long after the
   * last acknowledgement the worker had worked on every event.
   */
  inside?: { cpuMs: number; rssMb: number; handledAfterS: number | null };
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

/** Our bot as `npm start` runs it: `node <its flags> dist/main.js`, threaded (the default), on a fresh database. */
export async function startOurs(tag: string, fakeUrl: string, extra: Record<string, string> = {}): Promise<{ child: Child; url: string; pid: number }> {
  const dir = mkdtempSync(join(TMP, `${tag}-`));
  const port = await freePort();
  const child = spawnChild(`${tag}-bot`, 'dist/main.js', botEnv(fakeUrl, `file:${join(dir, 'bot.db')}`, port, extra), startFlags());
  const url = `http://127.0.0.1:${port}`;
  await untilHealth(url, (status, b) => status === 200 && (b.thread?.state ?? 'ready') === 'ready', 60_000, 50);
  return { child, url, pid: child.proc.pid! };
}

/** Waits until our bot has worked on every event it acknowledged (its /healthz backlog is 0); returns the ms it took. */
export function untilHandled(url: string, timeoutMs = 10 * 60_000): Promise<number> {
  return untilHealth(url, (_s, b) => b.thread?.backlog === 0 && b.thread.inFlight === 0, timeoutMs, 100);
}

/** Starts a fresh bot of `bot`'s kind against the fake at `fakeUrl`; resolves once it takes events. */
export async function startBot(bot: BotKind, tag: string, fakeUrl: string): Promise<{ child: Child; url: string; pid: number }> {
  if (bot === 'ours') return startOurs(tag, fakeUrl);
  const child = spawnChild(`${tag}-bot`, 'bench/reference-bot.ts', { FAKE_URL: fakeUrl });
  const b = await child.next<ChildMessage & { url: string; pid: number }>('ready');
  return { child, url: b.url, pid: b.pid };
}

/**
 * Runs `run` against a fresh fake (300 ms Open API latency) and a fresh bot process, warmed up with 100 events and
 * back at rest, with a pool of `n` load events; stops both after.
 */
export async function withWarmBot<T>(bot: BotKind, tag: string, n: number, run: (b: { url: string; pid: number }, pool: PooledRequest[]) => Promise<T>): Promise<T> {
  const fake = spawnChild(`${tag}-fake`, 'bench/fake-server.ts', { FAKE_LATENCY_MS: '300' });
  let botChild: Child | undefined;
  try {
    const f = await fake.next<ChildMessage & { url: string; control: string }>('ready');
    const b = await startBot(bot, tag, f.url);
    botChild = b.child;
    const warm = await postJson<PooledRequest[]>(`${f.control}/pool`, { n: 100, users: 100, prefix: 'warm' });
    await fire(b.url, warm, 50);
    // Let the warm-up's background work finish, so the measured run starts from rest.
    if (bot === 'ours') await untilHandled(b.url, 60_000);
    await sleep(1000);
    return await run(b, await postJson<PooledRequest[]>(`${f.control}/pool`, { n, users: 1000, prefix: 'load' }));
  } finally {
    await botChild?.stop();
    await fake.stop();
  }
}

/** One measured run: a fresh fake and bot, a short warm-up, then the load. */
export function runIntake(bot: BotKind, rate: number, seconds: number): Promise<IntakeResult> {
  const tag = `intake-${bot}-${rate}`;
  return withWarmBot(bot, tag, rate * seconds, async (b, pool) => {
    say(`${tag}: ${pool.length} events at ${rate}/s`);
    const cpu0 = cpuMs(b.pid) ?? NaN;
    const r = summarize(bot, rate, await fire(b.url, pool, rate));
    const cpuRun = (cpuMs(b.pid) ?? NaN) - cpu0;
    r.inside = { cpuMs: cpuRun, rssMb: rssMb(b.pid) ?? NaN, handledAfterS: null };
    if (bot === 'ours') r.inside.handledAfterS = (await untilHandled(b.url)) / 1000;
    say(`${tag}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.sustained.toFixed(0)} ev/s sustained, non-2xx ${r.non2xx}, errors ${r.errors}, CPU ${(cpuRun / r.durationS / 10).toFixed(0)}%${r.inside.handledAfterS !== null ? `, all handled ${r.inside.handledAfterS.toFixed(1)} s after the last ack` : ''}`);
    return r;
  });
}
