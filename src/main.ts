/**
 * Why: the entry point: config → threaded mode (src/worker/: acknowledgements on this thread, the bot on a worker
 * thread), or one thread (database → SDK client → createApp → webhook server or WS client), or the local sandbox.
 * Heavy modules (Prisma, the SDK, express, YAML) are imported only by the mode that needs them on this thread.
 */
import { loadConfig, ConfigError, type Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { systemClock } from './clock.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, secrets: [config.appSecret, config.encryptKey ?? '', config.verificationToken] });
  const started = Date.now();
  if (config.sandbox) return runSandbox(config, logger, started);
  // The threaded mode is built for SQLite's single file; with PostgreSQL (several instances) one thread is used.
  if (config.workThread && !config.databaseUrl.startsWith('postgres')) return runThreaded(config, logger, started);
  const [{ openDatabase }, { createLarkClient }, { createApp }, { startWsClient }] = await Promise.all([
    import('./store/db.ts'),
    import('./send/client.ts'),
    import('./app.ts'),
    import('./receive/ws.ts'),
  ]);
  const prisma = await openDatabase(config.databaseUrl);

  if (config.eventMode === 'webhook' && !config.encryptKey) {
    logger.warn('LARK_ENCRYPT_KEY is not set: Feishu will send unsigned, unencrypted events, and only the verification token protects /lark/events. Set an Encrypt Key in 事件与回调 > 加密策略.');
  }
  const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger });
  const app = createApp({ config, lark, prisma, clock: systemClock, logger });
  // Listen first: Feishu's deliveries are acknowledged from the first moment; start() then learns the bot's identity
  // (one Open API round trip) and resumes the outbox and any unfinished events.
  const { url } = await app.listen(config.port);
  await app.start();
  // Reminders: a cron job in BOT_TIMEZONE, plus one tick now that sends what fell due while the bot was down (on
  // PostgreSQL, on the elected primary only).
  app.startScheduler();
  let ws: { close(): void } | null = null;
  if (config.eventMode === 'ws') ws = startWsClient({ config, logger, intake: app.intake, onState: (state, detail) => app.health.reportWs(state, detail) });
  logger.info({ url, mode: config.eventMode, readyMs: Date.now() - started }, `bot ready: webhook at ${url}/lark/events, health at ${url}/healthz`);

  stopOnSignals(logger, async () => {
    ws?.close();
    await app.stop();
    await prisma.$disconnect();
  });
}

/** SIGINT and SIGTERM stop the bot (`stop`), then the process. */
function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Threaded mode (WORK_THREAD, the default): see src/worker/run.ts. */
async function runThreaded(config: Config, logger: Logger, started: number): Promise<void> {
  const { startThreaded } = await import('./worker/run.ts');
  const t = await startThreaded({ config, logger });
  logger.info({ url: t.url, mode: config.eventMode, thread: 'worker', readyMs: Date.now() - started }, `bot acknowledging: webhook at ${t.url}/lark/events, health at ${t.url}/healthz; the worker thread is loading the bot`);
  stopOnSignals(logger, () => t.stop());
}

/**
 * Sandbox mode (no LARK_APP_ID): the embedded fake Open Platform, the real bot on its own SQLite file, and the page at
 * /sandbox, all on this machine.
 */
async function runSandbox(config: Config, logger: Logger, started: number): Promise<void> {
  const { startSandbox, sandboxDatabaseUrl } = await import('./sandbox/web/index.ts');
  const sb = await startSandbox({ config, logger, databaseUrl: sandboxDatabaseUrl(process.env), port: config.port });
  logger.warn({ fake: sb.fake.url }, 'no LARK_APP_ID: running in sandbox mode against the embedded fake Feishu Open Platform');
  logger.info({ url: sb.url, db: sb.config.databaseUrl, readyMs: Date.now() - started }, `sandbox ready: open ${sb.pageUrl} in a browser to chat with the bot`);
  stopOnSignals(logger, () => sb.close());
}

process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection', reason instanceof Error ? reason.message : reason);
});

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
