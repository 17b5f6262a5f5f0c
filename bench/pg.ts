/**
 * Why: `npm run bench:pg` measures what issue 17 changes: intake (acknowledgement latency, every event handled once) and
 * a fan-out (1,000 p2p + 50 groups, under Feishu's enforced limits) with one and two instances on PostgreSQL, side by
 * side with one instance on SQLite, and writes bench/results-pg.md with the machine it ran on.
 * BENCH_QUICK=1 scales it down (a check that it runs, not a measurement).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FakeStats, PooledRequest } from './fake-server.ts';
import type { BotStats } from './bot-single.ts';
import type { FanoutResult } from './fanout-job.ts';
import { fire } from './intake.ts';
import { boundSeconds } from './fanout.ts';
import { BENCH_DIR, QUICK, TMP, getJson, live, machine, postJson, say, sleep, spawnChild, type Child, type ChildMessage } from './lib.ts';

const PG_BASE = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const RATE = QUICK ? 40 : 100;
const SECONDS = QUICK ? 3 : 10;
const USERS = QUICK ? 100 : 1000;
const CHATS = QUICK ? 10 : 50;

type Db = 'sqlite' | 'postgres';
interface Setup {
  db: Db;
  instances: number;
}
interface IntakeRow extends Setup {
  sent: number;
  ok: number;
  p50: number;
  p99: number;
  handled: number;
  stored: number;
  sustained: number;
}
interface FanoutRow extends Setup {
  messages: number;
  elapsedS: number;
  boundS: number;
  duplicates: number;
  lost: number;
  rateLimited: number;
}

const schemas: string[] = [];
function databaseUrl(db: Db, tag: string): string {
  if (db === 'sqlite') return `file:${join(mkdtempSync(join(TMP, `${tag}-`)), 'bot.db')}`;
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  return `${PG_BASE}?schema=${schema}`;
}

/** Starts `n` bot processes on one database (the first becomes the primary on PostgreSQL). */
async function bots(n: number, fakeUrl: string, url: string, tag: string): Promise<Array<{ child: Child; url: string }>> {
  const out: Array<{ child: Child; url: string }> = [];
  for (let i = 0; i < n; i++) {
    const child = spawnChild(`${tag}-bot${i}`, 'bench/bot-single.ts', { FAKE_URL: fakeUrl, DATABASE_URL: url, BOT_LOG: join(TMP, `${tag}-bot${i}.log`), PRIMARY_POLL_MS: '500', OUTBOX_POLL_MS: '200' });
    const ready = await child.next<ChildMessage & { url: string }>('ready', 120_000);
    out.push({ child, url: ready.url });
  }
  return out;
}

const stats = async (c: Child) => {
  c.send({ type: 'stats' });
  return c.next<BotStats>('stats', 120_000);
};
const total = (s: BotStats) => Object.values(s.events).reduce((a, n) => a + n, 0);

async function intake(s: Setup): Promise<IntakeRow> {
  const tag = `pg-intake-${s.db}-${s.instances}`;
  const fake = spawnChild(`${tag}-fake`, 'bench/fake-server.ts', { FAKE_LATENCY_MS: '300' });
  let bs: Awaited<ReturnType<typeof bots>> = [];
  try {
    const f = await fake.next<ChildMessage & { url: string; control: string }>('ready');
    bs = await bots(s.instances, f.url, databaseUrl(s.db, tag), tag);
    const warm = await postJson<PooledRequest[]>(`${f.control}/pool`, { n: 100, users: 100, prefix: 'warm' });
    await Promise.all(bs.map((b, i) => fire(b.url, warm.filter((_, j) => j % bs.length === i), Math.max(1, Math.round(50 / bs.length)))));
    for (let i = 0; i < 60; i++) {
      const st = await stats(bs[0]!.child);
      if ((st.events.done ?? 0) + (st.events.failed ?? 0) >= total(st)) break;
      await sleep(500);
    }
    const pool = await postJson<PooledRequest[]>(`${f.control}/pool`, { n: RATE * SECONDS, users: 1000, prefix: 'load' });
    // The load balancer: request j goes to instance j mod n, each instance at its share of the rate.
    const parts = await Promise.all(bs.map((b, i) => fire(b.url, pool.filter((_, j) => j % bs.length === i), RATE / bs.length)));
    const lat = parts.map((r) => r.latency);
    const ok = parts.reduce((a, r) => a + r['2xx'], 0);
    const span = Math.max(...parts.map((r) => r.spanS));
    let st = await stats(bs[0]!.child);
    for (let i = 0; i < 240 && (st.events.done ?? 0) + (st.events.failed ?? 0) < total(st); i++) {
      await sleep(500);
      st = await stats(bs[0]!.child);
    }
    const row: IntakeRow = {
      ...s, sent: pool.length, ok,
      p50: Math.max(...lat.map((l) => l.p50)), p99: Math.max(...lat.map((l) => l.p99)),
      handled: (st.events.done ?? 0) - 100, stored: total(st) - 100, sustained: span > 0 ? ok / span : 0,
    };
    say(`${tag}: p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.ok}/${row.sent} acknowledged, ${row.handled} handled, ${row.stored} stored`);
    return row;
  } finally {
    for (const b of bs) await b.child.stop();
    await fake.stop();
  }
}

async function fanout(s: Setup): Promise<FanoutRow> {
  const tag = `pg-fanout-${s.db}-${s.instances}`;
  const fake = spawnChild(`${tag}-fake`, 'bench/fake-server.ts', { FAKE_LATENCY_MS: '300', FAKE_ENFORCE_LIMITS: '1' });
  let bs: Awaited<ReturnType<typeof bots>> = [];
  try {
    const f = await fake.next<ChildMessage & { url: string; control: string }>('ready');
    const users = Array.from({ length: USERS }, (_, i) => `ou_fan_${String(i).padStart(5, '0')}`);
    const groups = Array.from({ length: CHATS }, (_, i) => ({ chatId: `oc_fan_group_${String(i).padStart(3, '0')}`, members: users.slice(i * 10, i * 10 + 10) }));
    await postJson(`${f.control}/setup`, { users, chats: groups });
    bs = await bots(s.instances, f.url, databaseUrl(s.db, tag), tag);
    // Written by the last instance (a standby when there are two), sent by the primary.
    const writer = bs[bs.length - 1]!.child;
    writer.send({ type: 'fanout', users, chats: groups.map((g) => g.chatId) });
    const r = await writer.next<FanoutResult>('fanout-done', 30 * 60_000);
    const fs = await getJson<FakeStats>(`${f.control}/stats`);
    const targets = [...users, ...groups.map((g) => g.chatId)];
    const row: FanoutRow = {
      ...s, messages: targets.length, elapsedS: r.elapsedMs / 1000, boundS: boundSeconds(targets.length),
      duplicates: targets.reduce((n, id) => n + Math.max(0, (fs.byReceive[id] ?? 0) - 1), 0),
      lost: targets.filter((id) => !fs.byReceive[id]).length, rateLimited: fs.rateLimited,
    };
    say(`${tag}: ${row.messages} messages in ${row.elapsedS.toFixed(1)} s (bound ${row.boundS.toFixed(0)} s), dupes ${row.duplicates}, lost ${row.lost}, 429s ${row.rateLimited}`);
    return row;
  } finally {
    for (const b of bs) await b.child.stop();
    await fake.stop();
  }
}

async function dropSchemas(): Promise<void> {
  const c = new pg.Client({ connectionString: PG_BASE });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await c.end();
}

const setups: Setup[] = [{ db: 'sqlite', instances: 1 }, { db: 'postgres', instances: 1 }, { db: 'postgres', instances: 2 }];
const m = machine();
const t0 = Date.now();
mkdirSync(TMP, { recursive: true });
const watchdog = setTimeout(() => {
  for (const p of live) p.kill('SIGKILL');
  process.exit(3);
}, 40 * 60_000);
try {
  const intakes: IntakeRow[] = [];
  for (const s of setups) intakes.push(await intake(s));
  const fanouts: FanoutRow[] = [];
  for (const s of setups) fanouts.push(await fanout(s));
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString: PG_BASE });
    await c.connect();
    const v = (await c.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v')).rows[0]!.v;
    await c.end();
    return v;
  })();
  const name = (s: Setup) => `${s.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${s.instances} instance${s.instances > 1 ? 's' : ''}`;
  const lines = [
    '# Benchmark: several instances on PostgreSQL',
    '',
    `Written by \`npm run bench:pg\` (bench/pg.ts) on ${m.date.slice(0, 10)} at ${m.date.slice(11, 19)} UTC in ${((Date.now() - t0) / 1000).toFixed(0)} s${QUICK ? ' — **BENCH_QUICK=1: a scaled-down check run, not a measurement**' : ''}.`,
    '',
    '| Machine | |', '|---|---|',
    `| CPU | ${m.cpu}, ${m.cores} cores (the load generator, the fake, the bots and PostgreSQL all share them) |`,
    `| Memory | ${m.memoryGb.toFixed(1)} GB |`, `| Node | ${m.node} |`, `| OS | ${m.os} |`, `| PostgreSQL | ${pgVersion}, local (127.0.0.1), default settings |`,
    '',
    `## Intake: ${RATE * SECONDS} signed, encrypted message events at ${RATE}/s (Open API latency 300 ms)`,
    '',
    'With two instances, the events alternate between them (a load balancer); latency is the worse instance\'s.',
    '',
    '| Setup | Acknowledged | p50 ack (ms) | p99 ack (ms) | Sustained (ev/s) | Stored | Handled |', '|---|---|---|---|---|---|---|',
    ...intakes.map((r) => `| ${name(r)} | ${r.ok}/${r.sent} | ${r.p50} | ${r.p99} | ${r.sustained.toFixed(0)} | ${r.stored} | ${r.handled} |`),
    '',
    `## Fan-out: ${USERS} p2p + ${CHATS} group messages under Feishu's enforced limits (50/s, 1,000/min)`,
    '',
    'Written by the last instance started; on PostgreSQL the elected primary sends everything (one sender per app).',
    '',
    '| Setup | Messages | Elapsed (s) | Bound (s) | Duplicates | Lost | 429s |', '|---|---|---|---|---|---|---|',
    ...fanouts.map((r) => `| ${name(r)} | ${r.messages} | ${r.elapsedS.toFixed(1)} | ${r.boundS.toFixed(0)} | ${r.duplicates} | ${r.lost} | ${r.rateLimited} |`),
    '',
    '## Reading it',
    '',
    '- Fan-out time is set by Feishu\'s per-app limits, not by the database: one elected sender paces every instance\'s rows,',
    '  so a second instance adds availability, not sending speed, and never a 429 beyond the fake\'s own windows.',
    '- An acknowledgement on PostgreSQL is a network round trip to the server (dedupe insert) instead of an in-process',
    '  SQLite statement; both stay far inside Feishu\'s 3 s.',
    '',
  ];
  // A quick run is a check, not a measurement: printed, never written over the committed results.
  if (QUICK) console.log(lines.join('\n'));
  else {
    writeFileSync(join(BENCH_DIR, 'results-pg.md'), lines.join('\n'));
    say('wrote bench/results-pg.md');
  }
} finally {
  clearTimeout(watchdog);
  await dropSchemas().catch(() => undefined);
  rmSync(TMP, { recursive: true, force: true });
  for (const p of live) p.kill('SIGKILL');
}
