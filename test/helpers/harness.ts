/**
 * Why: builds the real bot (real express app on port 0, real SDK) against the loopback fake Feishu, on a fresh database:
 * a SQLite file, or (the vitest `postgres` project, BOT_TEST_DB=postgres) a fresh schema of the local PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { ManualClock } from '../../src/clock.ts';
import { openDatabase, type PrismaClient } from '../../src/store/db.ts';
import { giveBackPgUrl, takePgUrl, TEST_PG } from './db.ts';
import { createLarkClient } from '../../src/send/client.ts';
import { virtualPace, type Pace } from '../../src/send/limiter.ts';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { createFakeFeishu, type FakeFeishu } from '../../src/sandbox/fake/index.ts';

export const CREDS = {
  appId: 'cli_9f8e7d6c5b4a3210',
  appSecret: 'test-app-secret-0123456789',
  encryptKey: 'test-encrypt-key-abc',
  verificationToken: 'test-verification-token',
};

/** Every log line written during the suite, so a test can prove no secret ever reached a log. */
export const capturedLogLines: string[] = [];

export interface Harness {
  app: App;
  fake: FakeFeishu;
  prisma: PrismaClient;
  clock: ManualClock;
  config: Config;
  logger: Logger;
  botUrl: string;
  dbUrl: string;
  /** Stops the bot (keeps the DB and the fake) and builds a fresh bot on the same DB: a restart. */
  restart(opts?: { start?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  encrypt?: boolean;
  secretariat?: string[];
  clockStart?: string;
  /** Reuse a DB file (for restart tests across harnesses). */
  dbUrl?: string;
  fake?: FakeFeishu;
  start?: boolean;
  /** The SDK client's request timeout (default 10 s); fault tests with held answers use a short one. */
  larkTimeoutMs?: number;
  /** The sender's pacing clock (default: a fresh virtualPace per build); pass one to read virtual send times. */
  pace?: Pace;
  /** Other createApp options (e.g. `process` to test another reading of the 管理办法). */
  app?: Partial<Pick<AppOptions, 'process' | 'plans'>>;
}

export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = opts.dbUrl ? null : mkdtempSync(join(tmpdir(), 'botdb-'));
  const dbUrl = opts.dbUrl ?? (TEST_PG ? takePgUrl() : `file:${join(dir!, 'bot.db')}`);
  const clock = new ManualClock(opts.clockStart ?? '2026-03-02T02:00:00Z');
  const encrypt = opts.encrypt ?? true;
  const fake =
    opts.fake ??
    (await createFakeFeishu({
      appId: CREDS.appId,
      appSecret: CREDS.appSecret,
      encryptKey: encrypt ? CREDS.encryptKey : undefined,
      verificationToken: CREDS.verificationToken,
      clock,
    }));
  const sink = new Writable({
    write(chunk, _enc, cb) {
      capturedLogLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const config = loadConfig({
    LARK_APP_ID: CREDS.appId,
    LARK_APP_SECRET: CREDS.appSecret,
    LARK_ENCRYPT_KEY: encrypt ? CREDS.encryptKey : '',
    LARK_VERIFICATION_TOKEN: CREDS.verificationToken,
    LARK_DOMAIN: fake.url,
    DATABASE_URL: dbUrl,
    SECRETARIAT_OPEN_IDS: (opts.secretariat ?? []).join(','),
    LOG_LEVEL: 'debug',
    ...(TEST_PG && dir ? { DATA_DIR: dir } : {}),
    ...opts.env,
  });
  const logger = createLogger({ level: 'debug', destination: sink, secrets: [CREDS.appSecret, CREDS.encryptKey] });
  const prisma = await openDatabase(dbUrl);

  const build = async (start: boolean) => {
    const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: fake.url, logger, timeoutMs: opts.larkTimeoutMs });
    const app = createApp({ config, lark, prisma, clock, logger, pace: opts.pace ?? virtualPace(), ...opts.app });
    if (start) await app.start();
    const { url } = await app.listen(0, '127.0.0.1');
    fake.setBotEndpoint(`${url}/lark/events`);
    return { app, url };
  };
  let { app, url } = await build(opts.start ?? true);

  const h: Harness = {
    app,
    fake,
    prisma,
    clock,
    config,
    logger,
    botUrl: url,
    dbUrl,
    async restart(o = {}) {
      await h.app.stop();
      ({ app, url } = await build(o.start ?? true));
      h.app = app;
      h.botUrl = url;
    },
    async close() {
      await h.app.stop();
      await prisma.$disconnect();
      if (!opts.dbUrl && TEST_PG) await giveBackPgUrl(dbUrl);
      if (!opts.fake) await fake.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
