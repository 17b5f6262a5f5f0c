/** Why: every fake-Feishu test needs a fresh fake, a real SDK client with its own token cache, and a tiny event receiver. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { createFakeFeishu, type FakeFeishu, type FakeFeishuOptions } from '../../../src/sandbox/fake/index.ts';

export const APP = {
  appId: 'cli_0123456789abcdef',
  appSecret: 'fake-secret-for-tests-0001',
  encryptKey: 'enc-key-for-tests',
  verificationToken: 'verify-token-for-tests',
};

export function freshCache(): { set: (...a: any[]) => Promise<boolean>; get: (...a: any[]) => Promise<any> } {
  const m = new Map<string, { v: unknown; exp?: number }>();
  const k = (key: unknown, o?: { namespace?: string }) => `${o?.namespace ?? ''}:${String(key)}`;
  return {
    async set(key: string | symbol, v: unknown, exp?: number, o?: { namespace?: string }) {
      m.set(k(key, o), { v, exp });
      return true;
    },
    async get(key: string | symbol, o?: { namespace?: string }) {
      const e = m.get(k(key, o));
      if (!e || (e.exp !== undefined && e.exp < Date.now())) return undefined;
      return e.v;
    },
  };
}

/** A fresh fake; plain (unencrypted, unsigned) deliveries unless `encryptKey` is passed. */
export async function makeFake(extra: Partial<FakeFeishuOptions> = {}): Promise<FakeFeishu> {
  const { encryptKey: _unused, ...base } = APP;
  return createFakeFeishu({ ...base, ...extra });
}

export function sdkClient(fake: FakeFeishu, secret = APP.appSecret): lark.Client {
  return new lark.Client({
    appId: APP.appId,
    appSecret: secret,
    domain: fake.url,
    loggerLevel: lark.LoggerLevel.error,
    logger: { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} },
    cache: freshCache(),
  });
}

/** The AxiosError the SDK throws on non-2xx, reduced to what tests assert. */
export async function httpError(p: Promise<unknown>): Promise<{ status: number; code?: number; headers: Record<string, string>; msg?: string }> {
  try {
    await p;
  } catch (e) {
    const r = (e as { response?: { status: number; data?: { code?: number; msg?: string }; headers?: Record<string, string> } }).response;
    if (!r) throw e;
    return { status: r.status, code: r.data?.code, msg: r.data?.msg, headers: r.headers ?? {} };
  }
  throw new Error('expected the call to fail with an HTTP error');
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A stand-in bot endpoint that records what it receives and answers with `answer(raw)`. */
export async function receiver(answer: (r: Received) => { status?: number; body?: unknown; delayMs?: number } = () => ({})) {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      got.push(r);
      const a = answer(r);
      setTimeout(() => {
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body ?? {}));
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lark/events`;
  return {
    url,
    got,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

export const textContent = (text: string) => JSON.stringify({ text });

export const goodCard = (extra: Record<string, unknown>[] = []) => ({
  schema: '2.0',
  config: { update_multi: true },
  header: { title: { tag: 'plain_text', content: '评选' }, template: 'blue' },
  body: {
    elements: [
      { tag: 'markdown', content: '**你好**', text_align: 'left', text_size: 'normal', element_id: 'intro' },
      {
        tag: 'button', text: { tag: 'plain_text', content: '确认' }, type: 'primary',
        behaviors: [{ type: 'callback', value: { action: 'confirm', id: 7 } }],
      },
      ...extra,
    ],
  },
});
