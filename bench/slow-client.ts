/** Why: one unauthenticated client dribbling a large body must cost nothing to others; measure acks while slow uploads hang on. */
import { connect, type Socket } from 'node:net';
import { fire, withWarmBot, type BotKind } from './intake.ts';
import { cpuMs, say, sleep } from './lib.ts';

export interface SlowClientResult {
  bot: BotKind;
  slowClients: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  sent: number;
  /** Bot CPU over the measured run, % of one core. */
  cpuPct: number;
  /** Slow uploads the server cut off during the run, and after how long (median, ms); the rest were still open at its end. */
  cutOff: number;
  cutOffMedianMs: number | null;
  /** The status lines the server answered the slow uploads with. */
  answers: Record<string, number>;
}

interface Dribbler {
  socket: Socket;
  openedAt: number;
  closedAt: number | null;
  answer: string | null;
  timer: NodeJS.Timeout;
}

/** Opens a POST with Content-Length 100000 and sends one byte every `everyMs`, as the slow client did. */
function dribble(url: string, everyMs: number): Dribbler {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  const d: Dribbler = { socket, openedAt: performance.now(), closedAt: null, answer: null, timer: setInterval(() => socket.write(' '), everyMs) };
  socket.on('connect', () => socket.write(`POST /lark/events HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`));
  socket.on('data', (c: Buffer) => (d.answer ??= c.toString('latin1').split('\r\n')[0] ?? ''));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    d.closedAt = performance.now();
    clearInterval(d.timer);
  });
  return d;
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : null);

/** A fresh fake and bot; `slow` dribbling uploads opened first, then `rate` events/s for `seconds`. */
export function runSlowClient(bot: BotKind, rate: number, seconds: number, slow: number): Promise<SlowClientResult> {
  const tag = `slow-${bot}`;
  const dribblers: Dribbler[] = [];
  const run = withWarmBot(bot, tag, rate * seconds, async (b, pool) => {
    for (let i = 0; i < slow; i++) dribblers.push(dribble(b.url, 1000));
    await sleep(500);
    say(`${tag}: ${slow} slow uploads open, ${pool.length} events at ${rate}/s`);
    const cpu0 = cpuMs(b.pid) ?? NaN;
    const r = await fire(b.url, pool, rate);
    const cpuRun = (cpuMs(b.pid) ?? NaN) - cpu0;
    const cut = dribblers.filter((d) => d.closedAt !== null);
    const answers: Record<string, number> = {};
    for (const d of dribblers) answers[d.answer ?? '(none yet)'] = (answers[d.answer ?? '(none yet)'] ?? 0) + 1;
    const out: SlowClientResult = {
      bot,
      slowClients: slow,
      rate,
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      ok: r['2xx'],
      sent: r['2xx'] + r.non2xx + r.errors,
      cpuPct: cpuRun / (r.spanS * 10),
      cutOff: cut.length,
      cutOffMedianMs: median(cut.map((d) => d.closedAt! - d.openedAt)),
      answers,
    };
    say(`${tag}: p50 ${out.p50} ms, p99 ${out.p99} ms, CPU ${out.cpuPct.toFixed(0)}%, ${out.cutOff}/${slow} slow uploads cut off (median ${out.cutOffMedianMs?.toFixed(0) ?? '—'} ms)`);
    return out;
  });
  return run.finally(() => {
    for (const d of dribblers) {
      clearInterval(d.timer);
      d.socket.destroy();
    }
  });
}
