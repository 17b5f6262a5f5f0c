/** Why: starts the whole sandbox (fake, real bot, page) on port 0 and a temp SQLite file, on a ManualClock, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/clock.ts';
import { virtualPace } from '../../src/send/limiter.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/web/index.ts';

export interface SandboxHarness {
  sb: Sandbox;
  base: ManualClock;
  dir: string;
  dbUrl: string;
  /** fetch against the sandbox; JSON bodies in and out. */
  get(path: string): Promise<{ status: number; body: any; text: string; type: string | null }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any; text: string; type: string | null }>;
  close(opts?: { keepDir?: boolean }): Promise<void>;
}

export async function createSandbox(o: { dir?: string; clockStart?: string; port?: number } = {}): Promise<SandboxHarness> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'sandbox-'));
  const dbUrl = `file:${join(dir, 'sandbox.db')}`;
  const base = new ManualClock(o.clockStart ?? '2026-03-02T02:00:00Z');
  const config = loadConfig({ DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' });
  const sb = await startSandbox({ config, logger: createLogger({ level: 'silent' }), databaseUrl: dbUrl, port: o.port ?? 0, baseClock: base, pace: virtualPace(), cron: false });
  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(sb.url + path, init);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, type: res.headers.get('content-type') };
  };
  return {
    sb,
    base,
    dir,
    dbUrl,
    get: (path) => call(path),
    post: (path, body) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }),
    async close(c = {}) {
      await sb.close();
      if (!c.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
