/** Why: a bot that starts slowly or holds much memory is costly on a bank's small intranet host; measure the real entry point. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TMP, botEnv, freePort, live, median, rssMb, say, sleep, spawnChild, startFlags, type ChildMessage, type ThreadHealth } from './lib.ts';

export interface StartTrial {
  /** Spawn → first 200 from /healthz (the main thread acknowledges; the worker may still be loading). */
  readyMs: number;
  /** Spawn → /healthz shows the worker thread ready (handlers running). */
  workerReadyMs: number;
  /** What src/main.ts itself logs as readyMs: from main() starting (modules loaded) to listening. */
  mainMs: number;
  idleRssMb: number;
}

export interface FootprintReport {
  trials: StartTrial[];
  readyMedianMs: number;
  readyMaxMs: number;
  workerReadyMedianMs: number;
  /** The node flags `npm start` uses, as measured. */
  flags: string[];
  /** Median of main()'s own readyMs; the rest of readyMedianMs is node loading the modules. */
  mainMedianMs: number;
  idleRssMedianMb: number;
  /** RSS after each import step, under plain node on the build, as `npm start` runs (where the memory goes). */
  importSteps: Array<{ step: string; rssMb: number }>;
}

/**
 * Starts `node <npm start's flags> dist/main.js` (what `npm start` runs after its build, minus npm's own process) with
 * a fresh database, polls /healthz every 10 ms until it answers 200 and then until the worker thread is ready, leaves
 * it idle for 5 s and reads its RSS (both threads: one process) from /proc.
 */
async function trial(fakeUrl: string, n: number): Promise<StartTrial> {
  const dir = mkdtempSync(join(TMP, `start-${n}-`));
  const port = await freePort();
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...startFlags(), 'dist/main.js'], {
    cwd: ROOT,
    env: { ...process.env, ...botEnv(fakeUrl, `file:${join(dir, 'bot.db')}`, port) },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let mainMs = NaN;
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    const m = /"readyMs":(\d+)/.exec(out);
    if (m && Number.isNaN(mainMs)) mainMs = Number(m[1]);
    if (out.length > 100_000) out = out.slice(-1000);
  });
  live.add(proc);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.once('exit', () => live.delete(proc));
  try {
    let readyMs = NaN;
    let workerReadyMs = NaN;
    const deadline = t0 + 30_000;
    while (performance.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as ThreadHealth;
        if (res.status === 200 && Number.isNaN(readyMs)) readyMs = performance.now() - t0;
        if (res.status === 200 && (body.thread?.state ?? 'ready') === 'ready') {
          workerReadyMs = performance.now() - t0;
          break;
        }
      } catch {
        // not listening yet
      }
      if (proc.exitCode !== null) throw new Error(`dist/main.js exited with code ${proc.exitCode} before /healthz was ready`);
      await sleep(10);
    }
    if (Number.isNaN(workerReadyMs)) throw new Error('dist/main.js was not ready within 30 s');
    await sleep(5000);
    return { readyMs, workerReadyMs, mainMs, idleRssMb: rssMb(proc.pid!) ?? NaN };
  } finally {
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

export async function runFootprint(trials: number): Promise<FootprintReport> {
  const fake = spawnChild('footprint-fake', 'bench/fake-server.ts', { FAKE_LATENCY_MS: '300' });
  try {
    const f = await fake.next<ChildMessage & { url: string }>('ready');
    const out: StartTrial[] = [];
    for (let i = 0; i < trials; i++) {
      const t = await trial(f.url, i);
      say(`start ${i + 1}/${trials}: acknowledging in ${t.readyMs.toFixed(0)} ms (main() ${t.mainMs} ms), worker ready in ${t.workerReadyMs.toFixed(0)} ms, idle RSS ${t.idleRssMb.toFixed(1)} MB`);
      out.push(t);
    }
    const probe = spawnChild('mem-probe', 'bench/mem-probe.mjs');
    const steps = await probe.next<ChildMessage & { steps: Array<{ step: string; rssMb: number }> }>('steps', 60_000);
    await probe.stop();
    return {
      trials: out,
      readyMedianMs: median(out.map((t) => t.readyMs)),
      readyMaxMs: Math.max(...out.map((t) => t.readyMs)),
      workerReadyMedianMs: median(out.map((t) => t.workerReadyMs)),
      flags: startFlags(),
      mainMedianMs: median(out.map((t) => t.mainMs)),
      idleRssMedianMb: median(out.map((t) => t.idleRssMb)),
      importSteps: steps.steps,
    };
  } finally {
    await fake.stop();
  }
}
