/** Why: the one SDK Client the bot uses, with our redacting logger, a request timeout, and an isolated token cache. */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../log.ts';
import { sdkLogger } from '../log.ts';

export type LarkClient = lark.Client;

/** An in-memory token cache per client (the SDK's default cache is process-global and keyed only by appId). */
export function isolatedCache(): { set: (k: string | symbol, v: unknown, expire?: number) => Promise<boolean>; get: (k: string | symbol) => Promise<unknown>; clear: () => void } {
  const store = new Map<string | symbol, { v: unknown; exp?: number }>();
  return {
    clear: () => store.clear(),
    async set(k, v, expire) {
      store.set(k, { v, exp: expire });
      return true;
    },
    async get(k) {
      const hit = store.get(k);
      if (!hit) return undefined;
      if (hit.exp !== undefined && hit.exp < Date.now()) {
        store.delete(k);
        return undefined;
      }
      return hit.v;
    },
  };
}

export interface LarkClientOptions {
  appId: string;
  appSecret: string;
  domain: string;
  logger: Logger;
  timeoutMs?: number;
}

export function createLarkClient(o: LarkClientOptions): LarkClient {
  const timeout = o.timeoutMs ?? 10_000;
  const base = lark.defaultHttpInstance;
  // The SDK's axios instance, with a request timeout added to every call (it has none by default).
  const httpInstance = {
    request: (opts: Record<string, unknown>) => base.request({ timeout, ...opts }),
    get: (url: string, opts?: Record<string, unknown>) => base.get(url, { timeout, ...opts }),
    delete: (url: string, opts?: Record<string, unknown>) => base.delete(url, { timeout, ...opts }),
    head: (url: string, opts?: Record<string, unknown>) => base.head(url, { timeout, ...opts }),
    options: (url: string, opts?: Record<string, unknown>) => base.options(url, { timeout, ...opts }),
    post: (url: string, data?: unknown, opts?: Record<string, unknown>) => base.post(url, data, { timeout, ...opts }),
    put: (url: string, data?: unknown, opts?: Record<string, unknown>) => base.put(url, data, { timeout, ...opts }),
    patch: (url: string, data?: unknown, opts?: Record<string, unknown>) => base.patch(url, data, { timeout, ...opts }),
  } as unknown as lark.Client['httpInstance'];
  const cache = isolatedCache();
  const client = new lark.Client({
    appId: o.appId,
    appSecret: o.appSecret,
    domain: o.domain.replace(/\/+$/, ''),
    appType: lark.AppType.SelfBuild,
    logger: sdkLogger(o.logger),
    loggerLevel: lark.LoggerLevel.error,
    cache: cache as never,
    httpInstance,
  });
  tokenCaches.set(client, cache);
  return client;
}

const tokenCaches = new WeakMap<LarkClient, { clear: () => void }>();

/** Forgets the cached tenant token, so the next call fetches a fresh one (after Feishu says it is invalid). */
export function dropCachedToken(client: LarkClient): void {
  tokenCaches.get(client)?.clear();
}

/** The bot's own identity (open_id), needed to drop its own messages and to see @-mentions of it. */
export async function fetchBotInfo(client: LarkClient): Promise<{ openId: string; name: string } | null> {
  const res = (await client.request({ url: '/open-apis/bot/v3/info', method: 'GET' })) as {
    code?: number;
    bot?: { open_id?: string; app_name?: string };
  };
  if (res?.code !== 0 || !res.bot?.open_id) return null;
  return { openId: res.bot.open_id, name: res.bot.app_name ?? '' };
}
