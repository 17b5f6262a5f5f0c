/** Why: what the fault tests share: seeded randomness, captured deliveries to replay out of order, and the secrets check. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prng } from '../../src/sandbox/fake/limits.ts';
import type { FakeFeishu } from '../../src/sandbox/fake/index.ts';
import { CREDS } from '../helpers/harness.ts';

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  shuffle<T>(xs: T[]): T[];
  chance(p: number): boolean;
}

/** A seeded generator (mulberry32, as the fake's chaos uses): the same seed gives the same inputs on every machine. */
export function seeded(seed: number): Rng {
  const next = prng(seed);
  const r: Rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    shuffle(xs) {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [xs[i], xs[j]] = [xs[j]!, xs[i]!];
      }
      return xs;
    },
    chance: (p) => next() < p,
  };
  return r;
}

export interface Captured {
  headers: Record<string, string>;
  body: string;
}

/**
 * A loopback endpoint that answers 200 and keeps each delivery exactly as the fake sent it (signed, encrypted). Point the
 * fake at it, deliver, then replay the captured requests to the bot in any order and as often as wanted.
 */
export async function startCapture(): Promise<{ url: string; taken: Captured[]; close(): Promise<void> }> {
  const taken: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const k of ['content-type', 'x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature']) {
        const v = req.headers[k];
        if (typeof v === 'string') headers[k] = v;
      }
      taken.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/capture`;
  return { url, taken, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Posts a captured delivery to the bot as Feishu would redeliver it: the identical bytes and headers. */
export async function replay(botUrl: string, c: Captured): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${botUrl}/lark/events`, { method: 'POST', headers: c.headers, body: c.body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** The tenant token the fake hands out right now (it returns the current one while it has ≥ 30 min left, as Feishu does). */
export async function currentTenantToken(fake: FakeFeishu, appSecret = CREDS.appSecret): Promise<string> {
  const res = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: fake.appId, app_secret: appSecret }),
  });
  const body = (await res.json()) as { tenant_access_token?: string };
  if (!body.tenant_access_token) throw new Error(`the fake issued no token: ${JSON.stringify(body)}`);
  return body.tenant_access_token;
}

/** Anything shaped like a tenant or user access token the fake issues (`t-` + 40 hex). */
const TOKEN_SHAPE = /\b[tu]-[0-9a-f]{40}\b/;

/** Log lines that contain a secret, a known token, or anything shaped like an access token. */
export function linesWithSecrets(lines: readonly string[], secrets: readonly string[]): string[] {
  const needles = secrets.filter((s) => s && s.length >= 4);
  return lines.filter((l) => TOKEN_SHAPE.test(l) || needles.some((s) => l.includes(s)));
}

/** Polls (real time) until `check` is true; fails naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Starts test/faults/bot-child.ts (or another `script`, e.g. src/main.ts as `npm start` runs it) with `env` (over this
 * process's), an IPC channel, and its output collected line by line into `lines` (for the secrets check).
 */
export function spawnBotChild(env: Record<string, string>, lines: string[], script = 'test/faults/bot-child.ts'): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  });
  proc.stderr!.on('data', (c: Buffer) => lines.push(c.toString('utf8')));
  return proc;
}
