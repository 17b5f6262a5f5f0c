/** Why: with no Feishu tenant, this runs the real bot against the embedded fake and serves a page to chat with it. */
// Reset starts over on a new database file rather than deleting rows: the audit log is append-only (triggers refuse
// DELETE), and a fresh app on a fresh file also drops every in-memory queue of the old one. The HTTP server stays up
// and hands each request to the current app, so the page's URL and the fake's webhook endpoint never change.
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { SANDBOX_CREDENTIALS, type Config } from '../../config.ts';
import { systemClock, type Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import { openDatabase, sqlitePath, type PrismaClient } from '../../store/db.ts';
import { createLarkClient } from '../../send/client.ts';
import type { Pace } from '../../send/limiter.ts';
import { createApp, type App } from '../../app.ts';
import { serverOptions } from '../../receive/webhook.ts';
import { loadMessages, type Messages } from '../../prompts/index.ts';
import { addDays, daysBetween, toLocalDate, zonedDateTime, type LocalDate } from '../../domain/dates.ts';
import { createFakeFeishu, type FakeFeishu } from '../fake/index.ts';
import { ClockBackwardsError, ClockFile, OffsetClock } from './clock.ts';
import { loadDemoData, ownership, seedDatabase, seedFake, type DemoData } from './seed.ts';
import { Timeline } from './timeline.ts';
import { sandboxRouter } from './routes.ts';

export { OffsetClock, ClockBackwardsError } from './clock.ts';

/** The sandbox's own database unless DATABASE_URL is set explicitly. */
export const SANDBOX_DATABASE_URL = 'file:./data/sandbox.db';
/** A jump covers at most this many days (a whole two-year cycle fits). */
export const MAX_JUMP_DAYS = 800;

export function sandboxDatabaseUrl(env: Record<string, string | undefined>): string {
  return env.DATABASE_URL?.trim() ? env.DATABASE_URL.trim() : SANDBOX_DATABASE_URL;
}

/** Refused reset: the database holds data the sandbox did not create, so deleting it could destroy real work. */
export class NotSandboxDatabaseError extends Error {
  constructor(readonly path: string) {
    super(`Refusing to reset ${path}: it was not created by the sandbox. Point DATABASE_URL at ${SANDBOX_DATABASE_URL} (or unset it) to use the sandbox's own file.`);
    this.name = 'NotSandboxDatabaseError';
  }
}

export interface SandboxOptions {
  /** A sandbox config (no LARK_APP_ID): its credentials are the fake's. */
  config: Config;
  logger: Logger;
  databaseUrl: string;
  port: number;
  /** Default 127.0.0.1: the page lets anyone act as anyone and wipe the data, so it stays on this machine. */
  host?: string;
  /** The real time the offset is added to (tests pass a ManualClock). */
  baseClock?: Clock;
  pace?: Pace;
  messages?: Messages;
  demo?: DemoData;
  /** Default true: start the app's reminder cron, when it has one (tests drive the clock control instead). */
  cron?: boolean;
}

/** The tick the cron scheduler exposes, when the app has one (added by the reminders work). */
type MaybeScheduler = { scheduler?: { tick(): unknown; start?(): void; policy?: { sendAt?: string } } };

export interface Sandbox {
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** e.g. http://localhost:3000/sandbox: what the log tells people to open. */
  readonly pageUrl: string;
  readonly fake: FakeFeishu;
  readonly clock: OffsetClock;
  readonly demo: DemoData;
  readonly messages: Messages;
  readonly timeline: Timeline;
  readonly config: Config;
  readonly app: App;
  readonly prisma: PrismaClient;
  /** False when the database was not made by the sandbox (then it is neither seeded nor reset). */
  readonly resettable: boolean;
  today(): LocalDate;
  /**
   * Moves the clock to the reminder hour (09:00) of a later day, or of today when that is still ahead, stopping at that
   * hour on each day on the way and ticking the scheduler (if the app has one) there.
   */
  advance(step: { days: number } | { date: LocalDate }): Promise<{ now: Date; ticks: number; scheduler: boolean }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  const messages = o.messages ?? loadMessages();
  const demo = o.demo ?? loadDemoData();
  const dbPath = sqlitePath(o.databaseUrl);
  const clockFile = new ClockFile(`${dbPath}.clock.json`);
  const clock = new OffsetClock(dbPath === ':memory:' ? 0 : clockFile.load(), o.baseClock ?? systemClock);
  const fake = await createFakeFeishu({
    ...SANDBOX_CREDENTIALS, clock, botName: messages.t('sandbox.bot_name'), tokenTtlSeconds: 10 * 366 * 86_400,
    logger: o.logger.child({ mod: 'fake-feishu' }),
  });
  seedFake(fake, demo);
  const config: Config = { ...o.config, ...SANDBOX_CREDENTIALS, domain: fake.url, databaseUrl: o.databaseUrl, sandbox: true };
  const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: fake.url, logger: o.logger });
  const names = (id: string) => (id === fake.botOpenId ? messages.t('sandbox.bot_name') : fake.users().find((u) => u.openId === id)?.name ?? id);
  const timeline = new Timeline(fake, names, config.timezone);

  let current: { app: App; prisma: PrismaClient; resettable: boolean };
  let resetting: Promise<void> | null = null;
  let server: Server | null = null;
  let url = '';
  let pageUrl = '';

  const build = async () => {
    const prisma = await openDatabase(o.databaseUrl);
    const own = await ownership(prisma);
    if (own === 'foreign') o.logger.warn({ db: dbPath }, 'sandbox: this database was not created by the sandbox; demo data is not seeded and reset is disabled');
    const app = createApp({ config, lark, prisma, clock, logger: o.logger, pace: o.pace, messages });
    app.http.use(router);
    await app.start();
    if (own === 'empty') await seedDatabase(app.deps, demo);
    // Reminders also fire on their own while the page is open: the cron runs in real time and reads the moved clock.
    if (o.cron !== false) (app as App & MaybeScheduler).scheduler?.start?.();
    return { app, prisma, resettable: own !== 'foreign' };
  };

  const sb: Sandbox = {
    get url() {
      return url;
    },
    get pageUrl() {
      return pageUrl;
    },
    fake,
    clock,
    demo,
    messages,
    timeline,
    config,
    get app() {
      return current.app;
    },
    get prisma() {
      return current.prisma;
    },
    get resettable() {
      return current.resettable;
    },
    today: () => toLocalDate(clock.now(), config.timezone),
    async advance(step) {
      if ('days' in step && (!Number.isInteger(step.days) || step.days < 1)) throw new RangeError(`advance: days must be a whole number ≥ 1, got ${step.days}`);
      const scheduler = (current.app as App & MaybeScheduler).scheduler;
      const at = scheduler?.policy?.sendAt ?? '09:00';
      const today = sb.today();
      const target = 'days' in step ? addDays(today, step.days) : step.date;
      const end = zonedDateTime(target, at, config.timezone);
      const now = clock.now();
      if (end.getTime() <= now.getTime()) throw new ClockBackwardsError(end, now);
      if (daysBetween(today, target) > MAX_JUMP_DAYS) throw new RangeError(`advance: at most ${MAX_JUMP_DAYS} days at once`);
      // Day by day, stopping at the reminder hour (sendAt, 09:00) of each day and ticking there, so every day's
      // reminders go out dated that day, outside quiet hours, as they would across the cycle.
      let ticks = 0;
      const tick = async () => {
        if (!scheduler?.tick) return;
        await scheduler.tick();
        ticks++;
      };
      if (target === today) {
        clock.jumpTo(end);
        await tick();
      }
      for (let d = addDays(today, 1); d <= target; d = addDays(d, 1)) {
        clock.jumpToDate(d, config.timezone, at);
        await tick();
      }
      if (dbPath !== ':memory:') clockFile.save(clock.offsetMs);
      return { now: clock.now(), ticks, scheduler: !!scheduler?.tick };
    },
    async reset() {
      if (!current.resettable) throw new NotSandboxDatabaseError(dbPath);
      if (resetting) return resetting;
      resetting = (async () => {
        await current.app.stop();
        await current.prisma.$disconnect();
        if (dbPath !== ':memory:') for (const s of ['', '-wal', '-shm', '-journal']) rmSync(dbPath + s, { force: true });
        clock.reset();
        clockFile.remove();
        fake.clear();
        timeline.clear();
        seedFake(fake, demo);
        current = await build();
        o.logger.info({ db: dbPath }, 'sandbox: reset to fresh demo data');
      })();
      try {
        await resetting;
      } finally {
        resetting = null;
      }
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((r) => {
          s.close(() => r());
          s.closeAllConnections();
        });
      }
      await current.app.stop();
      await current.prisma.$disconnect();
      await fake.close();
    },
  };

  const router = sandboxRouter(sb);
  current = await build();
  server = createServer(serverOptions(config), (req, res) => {
    const go = () => void current.app.http(req, res);
    if (resetting) resetting.then(go, go);
    else go();
  });
  const srv = server;
  try {
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await sb.close();
    if ((err as { code?: string }).code === 'EADDRINUSE') throw new Error(`Port ${o.port} is already in use. Stop the program using it, or start the sandbox on another port: PORT=3001 npm start`);
    throw err;
  }
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  url = `http://127.0.0.1:${port}`;
  pageUrl = `http://localhost:${port}/sandbox`;
  fake.setBotEndpoint(`${url}/lark/events`);
  return sb;
}
