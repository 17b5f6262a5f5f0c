/** Why: the fake Feishu runs in its own process during the bench, so its work never lands on the bot's or the load generator's CPU time. */
// Env: FAKE_LATENCY_MS (default 300), FAKE_ENFORCE_LIMITS ('1' to enforce Feishu's send limits).
// Control API on a second loopback port: POST /pool builds signed, encrypted im.message.receive_v1 deliveries the
// fake knows about (so replies to them are valid); POST /setup adds users and chats; GET /stats counts what arrived;
// GET /replies lists when each reply was recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeFeishu, decryptPayload } from '../src/sandbox/fake/index.ts';
import { BENCH_CREDS } from './lib.ts';

export interface PooledRequest {
  headers: Record<string, string>;
  body: string;
  /** The delivered message's id (replies name it). */
  messageId?: string;
}

export interface FakeStats {
  messages: number;
  rateLimited: number;
  calls: number;
  /** Messages per receive id (open_id for p2p sends, chat_id for group sends, chat_id for replies). */
  byReceive: Record<string, number>;
  statuses: Record<string, number>;
  tokenCalls: number;
}

const fake = await createFakeFeishu({
  ...BENCH_CREDS,
  latencyMs: Number(process.env.FAKE_LATENCY_MS ?? 300),
  enforceLimits: process.env.FAKE_ENFORCE_LIMITS === '1',
});

let captured: PooledRequest[] = [];

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Has the fake deliver `n` p2p messages to our capture route, and returns them exactly as they were sent. */
async function buildPool(o: { n: number; users: number; text: string; prefix: string }): Promise<PooledRequest[]> {
  captured = [];
  const batch = 64;
  for (let i = 0; i < o.n; i += batch) {
    const jobs: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(o.n, i + batch); j++) {
      jobs.push(fake.deliverMessage({ from: `ou_${o.prefix}_${j % o.users}`, chatType: 'p2p', text: o.text, eventId: `ev_${o.prefix}_${j}` }));
    }
    await Promise.all(jobs);
  }
  const out = captured;
  captured = [];
  return out;
}

const control = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? '/', 'http://control');
    if (req.method === 'POST' && url.pathname === '/capture') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const k of ['content-type', 'x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature']) {
        const v = req.headers[k];
        if (typeof v === 'string') headers[k] = v;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let messageId: string | undefined;
      try {
        const inner = JSON.parse(decryptPayload(BENCH_CREDS.encryptKey, (JSON.parse(body) as { encrypt: string }).encrypt)) as { event?: { message?: { message_id?: string } } };
        messageId = inner.event?.message?.message_id;
      } catch {
        // not an encrypted message event
      }
      captured.push({ headers, body, messageId });
      return reply(res, 200, {});
    }
    if (req.method === 'POST' && url.pathname === '/pool') {
      const o = (await readJson(req)) as { n: number; users?: number; text?: string; prefix?: string };
      return reply(res, 200, await buildPool({ n: o.n, users: o.users ?? 1000, text: o.text ?? '帮助', prefix: o.prefix ?? 'load' }));
    }
    if (req.method === 'POST' && url.pathname === '/setup') {
      const o = (await readJson(req)) as { users?: string[]; chats?: Array<{ chatId: string; members: string[] }> };
      for (const openId of o.users ?? []) fake.addUser({ openId, name: openId });
      for (const c of o.chats ?? []) fake.addChat({ chatId: c.chatId, name: c.chatId, type: 'group', members: c.members });
      return reply(res, 200, { users: fake.users().length, chats: fake.chats().length });
    }
    if (req.method === 'GET' && url.pathname === '/replies') {
      // When each reply was recorded (epoch ms), by the message it answers.
      return reply(res, 200, fake.messages.filter((m) => m.replyTo).map((m) => ({ replyTo: m.replyTo, at: m.createdAt.getTime() })));
    }
    if (req.method === 'GET' && url.pathname === '/stats') {
      const byReceive: Record<string, number> = {};
      for (const m of fake.messages) byReceive[m.receive_id] = (byReceive[m.receive_id] ?? 0) + 1;
      const statuses: Record<string, number> = {};
      for (const c of fake.calls) statuses[String(c.status)] = (statuses[String(c.status)] ?? 0) + 1;
      const stats: FakeStats = {
        messages: fake.messages.length,
        rateLimited: fake.rateLimited,
        calls: fake.calls.length,
        byReceive,
        statuses,
        tokenCalls: fake.calls.filter((c) => c.route === 'token').length,
      };
      return reply(res, 200, stats);
    }
    reply(res, 404, { error: 'unknown control route' });
  })().catch((err: unknown) => reply(res, 500, { error: String((err as Error)?.message ?? err) }));
});

await new Promise<void>((r) => control.listen(0, '127.0.0.1', () => r()));
const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
fake.setBotEndpoint(`${controlUrl}/capture`);
process.send?.({ type: 'ready', url: fake.url, control: controlUrl, pid: process.pid });

const shutdown = () => {
  control.close();
  void fake.close().finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
process.once('disconnect', shutdown);
