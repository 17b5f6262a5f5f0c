/** Why: one pure, validated view of the environment, so a bad deployment fails at start with every problem listed. */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { MIN_OUTBOX_RETENTION_DAYS } from './store/retention.ts';

const loopbackOrHttps = z
  .string()
  .trim()
  .refine(
    (v) => /^https:\/\/[^/\s]+$/.test(v) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/.test(v),
    'an https:// origin such as https://open.feishu.cn, or a loopback http://127.0.0.1:PORT (no trailing slash)',
  );

const millis = (min: number, max: number, dflt: number) =>
  z.coerce.number({ error: `a number of milliseconds from ${min} to ${max}` }).int().min(min).max(max).default(dflt);

/** A feature switch: on unless set to false/off/0 (true/on/1 also accepted). */
const onOff = z
  .string()
  .trim()
  .toLowerCase()
  .default('true')
  .refine((v) => ['true', 'false', 'on', 'off', '1', '0', ''].includes(v), 'true or false (on/off, 1/0)')
  .transform((v) => !['false', 'off', '0'].includes(v));

const optionalText = z.string().trim().optional().transform((v) => (v ? v : undefined));

const schema = z.object({
  LARK_APP_ID: optionalText.refine((v) => v === undefined || /^cli_[0-9a-zA-Z]+$/.test(v), 'an app id starting with cli_'),
  LARK_APP_SECRET: optionalText,
  LARK_ENCRYPT_KEY: optionalText,
  LARK_VERIFICATION_TOKEN: optionalText,
  LARK_DOMAIN: loopbackOrHttps.default('https://open.feishu.cn'),
  LARK_EVENT_MODE: z.enum(['webhook', 'ws'], { error: 'webhook or ws' }).default('webhook'),
  PORT: z.coerce.number({ error: 'a port number from 0 to 65535' }).int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, 'a SQLite URL such as file:./data/bot.db, or postgresql://user@host:5432/db?schema=bot')
    .default('file:./data/bot.db'),
  DATA_DIR: optionalText,
  PRIMARY_POLL_MS: millis(100, 60_000, 2_000),
  OUTBOX_POLL_MS: millis(50, 60_000, 1_000),
  BOT_TIMEZONE: z
    .string()
    .trim()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  SECRETARIAT_OPEN_IDS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((ids) => ids.every((id) => /^ou_[0-9a-zA-Z_]+$/.test(id)), 'comma-separated open_ids, each starting with ou_'),
  SESSION_IDLE_MINUTES: z.coerce.number({ error: 'a number of minutes' }).int().min(1).max(60 * 24 * 30).default(60 * 24),
  MAX_BODY_BYTES: z.coerce.number({ error: 'a number of bytes' }).int().min(1024).max(10_000_000).default(1_000_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HEADERS_TIMEOUT_MS: millis(100, 120_000, 5_000),
  HTTP_BODY_TIMEOUT_MS: millis(100, 120_000, 5_000),
  HTTP_REQUEST_TIMEOUT_MS: millis(100, 300_000, 10_000),
  HEALTH_SEND_FAILURES: z.coerce.number({ error: 'a number of attempts from 1 to 1000' }).int().min(1).max(1000).default(5),
  HEALTH_FAST_MAX_AGE_SECONDS: z.coerce.number({ error: 'a number of seconds from 5 to 86400' }).int().min(5).max(86_400).default(120),
  HEALTH_BULK_MAX_AGE_SECONDS: z.coerce.number({ error: 'a number of seconds from 60 to 604800' }).int().min(60).max(604_800).default(3_600),
  OUTBOX_RETENTION_DAYS: z.coerce
    .number({ error: `a number of days from ${MIN_OUTBOX_RETENTION_DAYS} to 3650` })
    .int()
    .min(MIN_OUTBOX_RETENTION_DAYS)
    .max(3650)
    .default(30),
  TASKS_ENABLED: onOff,
  URGENT_ENABLED: onOff,
  DASHBOARD_ENABLED: onOff,
  WORK_THREAD: onOff,
});

/** Every environment variable the bot reads (each is documented in .env.example). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  appId: string;
  appSecret: string;
  encryptKey?: string;
  verificationToken: string;
  domain: string;
  eventMode: 'webhook' | 'ws';
  port: number;
  databaseUrl: string;
  /** Files the bot writes (exports): DATA_DIR, else the SQLite file's folder, else ./data (PostgreSQL). */
  dataDir: string;
  /** PostgreSQL mode: how often a standby tries to become the primary, and the primary looks for rows other instances wrote. */
  multi: { primaryPollMs: number; outboxPollMs: number };
  timezone: string;
  secretariatOpenIds: string[];
  sessionIdleMinutes: number;
  maxBodyBytes: number;
  logLevel: string;
  /** Slow and idle clients: headers, the /lark/events body, and the whole request must arrive within these. */
  http: { headersTimeoutMs: number; bodyTimeoutMs: number; requestTimeoutMs: number };
  /** /healthz answers 503 after this many failed sends in a row, or when a lane's oldest pending row is older. */
  health: { sendFailures: number; fastMaxAgeSeconds: number; bulkMaxAgeSeconds: number };
  /** Sent and failed outbox rows are deleted after this many days (the audit log is kept). */
  outboxRetentionDays: number;
  /** Global switches of the Feishu work surfaces (issue 16): tasks, urgent escalation, the Base dashboard. */
  surfaces: { tasks: boolean; urgent: boolean; dashboard: boolean };
  /**
   * `npm start` acknowledges on the main thread and runs handlers and sends on a worker thread (src/worker/); false
   * runs everything on one thread. SQLite only: with a PostgreSQL DATABASE_URL the bot runs on one thread.
   */
  workThread: boolean;
  /** True when no LARK_APP_ID is set: the bot runs against the embedded fake Open Platform. */
  sandbox: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nFix them in your environment or .env file; .env.example documents every variable.',
    );
    this.name = 'ConfigError';
  }
}

/** Sandbox credentials, used only against the embedded fake when LARK_APP_ID is unset. */
export const SANDBOX_CREDENTIALS = {
  appId: 'cli_a1b2c3d4e5f60789',
  appSecret: 'sandbox-secret-not-real',
  encryptKey: 'sandbox-encrypt-key',
  verificationToken: 'sandbox-verification-token',
} as const;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: expected ${i.message}, got ${JSON.stringify(env[String(i.path[0])] ?? null)}`),
    );
  }
  const e = parsed.data;
  const sandbox = !e.LARK_APP_ID;
  const problems: string[] = [];
  if (!sandbox) {
    if (!e.LARK_APP_SECRET) problems.push('LARK_APP_SECRET: expected the app secret from the Feishu developer console, got nothing');
    if (!e.LARK_VERIFICATION_TOKEN) problems.push('LARK_VERIFICATION_TOKEN: expected the verification token from 事件与回调 > 加密策略, got nothing');
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(`HTTP_HEADERS_TIMEOUT_MS: expected at most HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}), got ${e.HTTP_HEADERS_TIMEOUT_MS}`);
  }
  if (e.HTTP_BODY_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(`HTTP_BODY_TIMEOUT_MS: expected at most HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}), got ${e.HTTP_BODY_TIMEOUT_MS}`);
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    appId: e.LARK_APP_ID ?? SANDBOX_CREDENTIALS.appId,
    appSecret: e.LARK_APP_SECRET ?? SANDBOX_CREDENTIALS.appSecret,
    encryptKey: sandbox ? SANDBOX_CREDENTIALS.encryptKey : e.LARK_ENCRYPT_KEY,
    verificationToken: e.LARK_VERIFICATION_TOKEN ?? SANDBOX_CREDENTIALS.verificationToken,
    domain: e.LARK_DOMAIN,
    eventMode: e.LARK_EVENT_MODE,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.DATA_DIR ?? (e.DATABASE_URL.startsWith('file:') && !e.DATABASE_URL.includes(':memory:') ? dirname(e.DATABASE_URL.replace(/^file:/, '').replace(/\?.*$/, '')) : 'data')),
    multi: { primaryPollMs: e.PRIMARY_POLL_MS, outboxPollMs: e.OUTBOX_POLL_MS },
    timezone: e.BOT_TIMEZONE,
    secretariatOpenIds: e.SECRETARIAT_OPEN_IDS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    logLevel: e.LOG_LEVEL,
    http: { headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS, bodyTimeoutMs: e.HTTP_BODY_TIMEOUT_MS, requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS },
    health: { sendFailures: e.HEALTH_SEND_FAILURES, fastMaxAgeSeconds: e.HEALTH_FAST_MAX_AGE_SECONDS, bulkMaxAgeSeconds: e.HEALTH_BULK_MAX_AGE_SECONDS },
    outboxRetentionDays: e.OUTBOX_RETENTION_DAYS,
    surfaces: { tasks: e.TASKS_ENABLED, urgent: e.URGENT_ENABLED, dashboard: e.DASHBOARD_ENABLED },
    workThread: e.WORK_THREAD,
    sandbox,
  };
}
