/** Why: the bench runs every party (fake Feishu, our bot, the reference bot) in its own process; these helpers spawn, talk to and stop them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem, release, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { loadConfig, type Config } from '../src/config.ts';
import { createLogger, type Logger } from '../src/log.ts';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(BENCH_DIR, '..');
export const TMP = join(BENCH_DIR, 'tmp');
export const QUICK = process.env.BENCH_QUICK === '1';

/** Credentials shared by the fake and the bots; they exist only on this machine's loopback. */
export const BENCH_CREDS = {
  appId: 'cli_b3nch0000000001',
  appSecret: 'bench-app-secret-0123456789',
  encryptKey: 'bench-encrypt-key',
  verificationToken: 'bench-verification-token',
};

/** A bench bot process's config and logger, from its env (FAKE_URL, DATABASE_URL, BOT_LOG, LOG_LEVEL, and `extra`). */
export function benchBot(extra: Record<string, string | undefined> = {}): { config: Config; logger: Logger } {
  const config = loadConfig({
    LARK_APP_ID: BENCH_CREDS.appId,
    LARK_APP_SECRET: BENCH_CREDS.appSecret,
    LARK_ENCRYPT_KEY: BENCH_CREDS.encryptKey,
    LARK_VERIFICATION_TOKEN: BENCH_CREDS.verificationToken,
    LARK_DOMAIN: process.env.FAKE_URL,
    DATABASE_URL: process.env.DATABASE_URL,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...extra,
  });
  const logger = createLogger({
    level: config.logLevel,
    secrets: [config.appSecret, config.encryptKey ?? ''],
    destination: createWriteStream(process.env.BOT_LOG ?? '/dev/null'),
  });
  return { config, logger };
}

/** Every child process still running, so a watchdog can stop them by pid. */
export const live = new Set<ChildProcess>();

/** A message a child sends over IPC: `{ type, ...fields }`. */
export type ChildMessage = { type: string };

export interface Child {
  proc: ChildProcess;
  name: string;
  /** Waits for the next IPC message of this type (rejects if the child exits first or after timeoutMs). */
  next<T extends ChildMessage = ChildMessage>(type: string, timeoutMs?: number): Promise<T>;
  send(msg: ChildMessage & Record<string, unknown>): void;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <script>` with an IPC channel; its stdout and stderr go to bench/tmp/<name>.log. */
export function spawnChild(name: string, script: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Child {
  mkdirSync(TMP, { recursive: true });
  const log = createWriteStream(join(TMP, `${name}.log`));
  // A compiled .mjs script runs under plain node, like `npm start`; .ts scripts go through the tsx loader.
  const proc = spawn(process.execPath, [...nodeArgs, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  const inbox: ChildMessage[] = [];
  const waiters: Array<{ type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }> = [];
  proc.on('message', (raw) => {
    const msg = raw as ChildMessage;
    const i = waiters.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(msg);
    else inbox.push(msg);
  });
  let exited = false;
  proc.on('exit', (code, signal) => {
    exited = true;
    for (const w of waiters.splice(0)) w.reject(new Error(`${name} exited (code ${code}, signal ${signal}) before sending "${w.type}"; see bench/tmp/${name}.log`));
  });
  return {
    proc,
    name,
    next<T extends ChildMessage>(type: string, timeoutMs = 60_000): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      if (exited) return Promise.reject(new Error(`${name} has exited; see bench/tmp/${name}.log`));
      return new Promise<T>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`${name}: no "${type}" within ${timeoutMs} ms; see bench/tmp/${name}.log`)), timeoutMs);
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            res(m as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            rej(e);
          },
        });
      });
    },
    send(msg) {
      proc.send(msg);
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** The node flags `npm start` runs dist/main.js with (read from package.json, so the bench measures what ships). */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const m = /node\s+(.*?)\s*dist\/main\.js/.exec(pkg.scripts.start);
  return m ? m[1]!.split(/\s+/).filter(Boolean) : [];
}

/** The bot's env for `dist/main.js` against the bench's fake (threaded mode unless overridden). */
export function botEnv(fakeUrl: string, databaseUrl: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LARK_APP_ID: BENCH_CREDS.appId,
    LARK_APP_SECRET: BENCH_CREDS.appSecret,
    LARK_ENCRYPT_KEY: BENCH_CREDS.encryptKey,
    LARK_VERIFICATION_TOKEN: BENCH_CREDS.verificationToken,
    LARK_DOMAIN: fakeUrl,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** What our /healthz says about the worker thread (threaded mode). */
export interface ThreadHealth {
  status: string;
  reasons: string[];
  thread?: { state: string; inFlight: number; backlog: number; acked: number; restarts: number };
}

/** Polls `url`/healthz until `ok(body)` holds; returns the milliseconds it took. */
export async function untilHealth(url: string, ok: (status: number, body: ThreadHealth) => boolean, timeoutMs = 60_000, everyMs = 10): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
      if (ok(res.status, (await res.json()) as ThreadHealth)) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${url}/healthz did not reach the wanted state within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux). */
export function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** A TCP port that was free a moment ago on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolveP, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolveP(port));
    });
  });
}

/** Resident set size of a process, in MB, from /proc (Linux). */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  freeMemoryGb: number;
  node: string;
  os: string;
  loadAvg: number[];
  date: string;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGb: totalmem() / 1024 ** 3,
    freeMemoryGb: freemem() / 1024 ** 3,
    node: process.version,
    os: `${type()} ${release()}`,
    loadAvg: loadavg(),
    date: new Date().toISOString(),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Progress lines for whoever runs the bench (stderr, so results stay clean). */
export function say(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

/** POST JSON to a control endpoint of a child and parse the answer. */
export async function postJson<T>(url: string, body: unknown, timeoutMs = 120_000): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`POST ${url} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export async function getJson<T>(url: string, timeoutMs = 60_000): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}
