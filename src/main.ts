/** Why: the entry point: config → database → SDK client → createApp → webhook server, WS client, or the local sandbox. */
import { loadConfig, ConfigError, SANDBOX_CREDENTIALS } from './config.ts';
import { createLogger } from './log.ts';
import { systemClock } from './clock.ts';
import { openDatabase } from './store/db.ts';
import { createLarkClient } from './send/client.ts';
import { createApp } from './app.ts';
import { startWsClient } from './receive/ws.ts';

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
  const prisma = await openDatabase(config.databaseUrl);

  let fake: { url: string; setBotEndpoint(url: string): void; close(): Promise<void> } | null = null;
  if (config.sandbox) {
    const { createFakeFeishu } = await import('./sandbox/fake/index.ts');
    fake = await createFakeFeishu({ ...SANDBOX_CREDENTIALS, clock: systemClock, logger: logger.child({ mod: 'fake-feishu' }) });
    config = { ...config, domain: fake.url };
    logger.warn({ fake: fake.url }, 'no LARK_APP_ID: running in sandbox mode against the embedded fake Feishu Open Platform');
  }

  if (!config.sandbox && config.eventMode === 'webhook' && !config.encryptKey) {
    logger.warn('LARK_ENCRYPT_KEY is not set: Feishu will send unsigned, unencrypted events, and only the verification token protects /lark/events. Set an Encrypt Key in 事件与回调 > 加密策略.');
  }
  const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger });
  const app = createApp({ config, lark, prisma, clock: systemClock, logger });
  await app.start();
  const { url } = await app.listen(config.port);
  fake?.setBotEndpoint(`${url}/lark/events`);
  let ws: { close(): void } | null = null;
  if (config.eventMode === 'ws' && !config.sandbox) ws = startWsClient({ config, logger, intake: app.intake });
  logger.info({ url, mode: config.sandbox ? 'sandbox' : config.eventMode, readyMs: Date.now() - started }, `bot ready: webhook at ${url}/lark/events, health at ${url}/healthz`);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    ws?.close();
    await app.stop();
    await fake?.close();
    await prisma.$disconnect();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection', reason instanceof Error ? reason.message : reason);
});

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
