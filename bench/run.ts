/** Why: `npm run bench`: one run measures intake, slow clients, fan-out with people's replies, footprint and the rules Q&A on this machine and writes bench/results.md. */
// BENCH_QUICK=1 scales everything down for a quick check (and marks the report so). Only loopback is used; every
// child process is stopped at the end, and a watchdog ends the run if anything hangs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runIntake, type BotKind, type IntakeResult } from './intake.ts';
import { runFanout } from './fanout.ts';
import { runFootprint } from './footprint.ts';
import { runSlowClient, type SlowClientResult } from './slow-client.ts';
import { renderMarkdown, rows, type BenchResults } from './report.ts';
import { renderRulesSection, runRulesBench, writeRulesSection } from './rules.ts';
import { BENCH_DIR, QUICK, TMP, live, machine, say } from './lib.ts';

const WATCHDOG_MS = 40 * 60_000;

async function main(): Promise<void> {
  const started = performance.now();
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const m = machine();
  say(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb.toFixed(1)} GB, node ${m.node}${QUICK ? ' (BENCH_QUICK=1)' : ''}`);

  const seconds = QUICK ? 3 : 10;
  const intake: IntakeResult[] = [];
  for (const rate of [100, 500, 1000]) {
    // Side by side: the same load against each bot, one after the other, each with its own fresh fake.
    for (const bot of ['ours', 'reference'] as BotKind[]) intake.push(await runIntake(bot, rate, seconds));
  }

  // Slow uploads held open while the 100/s load runs, against each bot.
  const slow: SlowClientResult[] = [];
  for (const bot of ['ours', 'reference'] as BotKind[]) slow.push(await runSlowClient(bot, 100, seconds, 20));

  const fanout = await runFanout(QUICK ? 600 : 5000, 50);
  const footprint = await runFootprint(QUICK ? 2 : 5);

  const results: BenchResults = { machine: m, quick: QUICK, seconds, intake, slow, fanout, footprint, wallS: (performance.now() - started) / 1000, loadAvgEnd: loadavg() };
  const md = renderMarkdown(results);
  const target = QUICK ? join(TMP, 'results-quick.md') : join(BENCH_DIR, 'results.md');
  writeFileSync(target, md);
  writeFileSync(join(TMP, 'results.json'), JSON.stringify(results, null, 2));
  // The rules Q&A (issue 15) adds its own section; `npm run bench:rules` refreshes just that section.
  writeRulesSection(target, renderRulesSection(await runRulesBench()));
  say(`wrote ${target}`);
  for (const r of rows(results)) say(`${r.pass === null ? '  ' : r.pass ? 'ok' : 'XX'} ${r.what}: ${r.measured} (target ${r.target})`);
}

const watchdog = setTimeout(() => {
  say(`the bench did not finish within ${WATCHDOG_MS / 60_000} minutes; stopping`);
  for (const p of live) p.kill('SIGKILL');
  process.exit(3);
}, WATCHDOG_MS);
watchdog.unref();

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say(`bench failed: ${String((err as Error)?.stack ?? err)}`);
    for (const p of live) p.kill('SIGKILL');
    process.exit(1);
  },
);
