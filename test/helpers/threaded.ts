/** Why: the threaded-mode tests build the real threaded server (src/worker/run.ts) against the loopback fake the same way. */
// The worker uses the system clock (it checks the signature's 5-minute window), so the fake's clock is set to now.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { createFakeFeishu, type FakeFeishu } from '../../src/sandbox/fake/index.ts';
import { startThreaded, type Threaded, type ThreadedOptions } from '../../src/worker/run.ts';
import { CREDS } from './harness.ts';
import { until } from '../faults/helpers.ts';

export interface ThreadedBot {
  fake: FakeFeishu;
  bot: Threaded;
  /** The folder of its SQLite file (bot.db). */
  dir: string;
  close(): Promise<void>;
}

/** Starts the fake (and `prepare`s it), then the threaded bot on a fresh database; resolves once the worker is ready. */
export async function startThreadedBot(o: { env?: Record<string, string>; prepare?(fake: FakeFeishu): void } & Pick<ThreadedOptions, 'entry' | 'cardBudgetMs'> = {}): Promise<ThreadedBot> {
  const dir = mkdtempSync(join(tmpdir(), 'threaded-'));
  const fake = await createFakeFeishu({ ...CREDS, clock: new ManualClock(new Date().toISOString()) });
  o.prepare?.(fake);
  const config = loadConfig({
    LARK_APP_ID: CREDS.appId,
    LARK_APP_SECRET: CREDS.appSecret,
    LARK_ENCRYPT_KEY: CREDS.encryptKey,
    LARK_VERIFICATION_TOKEN: CREDS.verificationToken,
    LARK_DOMAIN: fake.url,
    DATABASE_URL: `file:${join(dir, 'bot.db')}`,
    LOG_LEVEL: 'warn',
    ...o.env,
  });
  const bot = await startThreaded({ config, logger: createLogger({ level: 'warn' }), port: 0, listenHost: '127.0.0.1', entry: o.entry, cardBudgetMs: o.cardBudgetMs });
  fake.setBotEndpoint(`${bot.url}/lark/events`);
  await until(() => bot.host.state === 'ready', 'the worker thread to load the bot', 60_000);
  return {
    fake,
    bot,
    dir,
    async close() {
      await bot.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
