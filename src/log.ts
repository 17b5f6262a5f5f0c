/** Why: one pino logger for the bot and the SDK, with secrets and bearer tokens redacted before any line is written. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'app_secret', 'appSecret', 'tenant_access_token', 'tenantAccessToken', 'encryptKey', 'encrypt_key',
  'verificationToken', 'Authorization', 'authorization',
];

/** Replace bearer tokens, tenant tokens (t-…) and any literal secret in a string. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/Bearer\s+[A-Za-z0-9._\-]+/g, 'Bearer [redacted]');
  out = out.replace(/\b[tu]-[A-Za-z0-9._\-]{16,}/g, '[redacted-token]');
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return scrub(value, secrets);
  if (value instanceof Error) {
    const e = value as Error & { response?: { status?: number; data?: unknown }; code?: unknown };
    return { type: e.name, message: scrub(e.message, secrets), status: e.response?.status, data: scrubDeep(e.response?.data, secrets, depth + 1), code: e.code };
  }
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => scrubDeep(v, secrets, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.includes(k) || k === 'headers' || k === 'config' || k === 'request') continue;
      out[k] = scrubDeep(v, secrets, depth + 1);
    }
    return out;
  }
  return value;
}

export interface LoggerOptions {
  level?: string;
  secrets?: readonly string[];
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const secrets = opts.secrets ?? [];
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: SECRET_KEYS.map((k) => `*.${k}`).concat(SECRET_KEYS), censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((a) => scrubDeep(a, secrets)) as Parameters<typeof method>;
          return method.apply(this, cleaned);
        },
      },
    },
    opts.destination,
  );
}

/**
 * The SDK's logger interface (error/warn/info/debug/trace, each taking any args).
 * The SDK's default logger prints whole AxiosErrors with the bearer token; this one routes through pino and scrubs.
 */
export function sdkLogger(logger: Logger) {
  const child = logger.child({ mod: 'lark-sdk' });
  const wrap = (lvl: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (...msg: unknown[]) => {
    child[lvl]({ sdk: msg }, 'sdk');
  };
  return { error: wrap('error'), warn: wrap('warn'), info: wrap('debug'), debug: wrap('trace'), trace: wrap('trace') };
}
