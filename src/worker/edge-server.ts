/**
 * Why: the threaded mode's main thread serves Feishu on plain node:http and does only what the ack needs: read the raw
 * body (with a deadline), verify, decrypt, answer the challenge, check token and app_id, drop bots and self, store the
 * event (dedupe) and acknowledge. Handlers run on the worker thread (host.ts); /healthz reports both threads.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { FastStore } from '../store/fast.ts';
import { storedPayload } from '../store/retention.ts';
import { serverOptions, webhookSteps } from '../receive/edge.ts';
import { MalformedEventError, normalizeCardAction, normalizeMessage, normalizeNotice } from '../pipeline/events.ts';
import { ACK, CARD_INLINE_BUDGET_MS, runSteps, type Answer, type IntakeItem, type Step } from '../pipeline/intake.ts';
import type { WorkerHost } from './host.ts';
import { MAX_LOAD_MS } from './protocol.ts';

export interface EdgeOptions {
  config: Config;
  clock: Clock;
  logger: Logger;
  fast: FastStore;
  host: WorkerHost;
  /** How long a card callback waits for the worker's answer before it is answered with a toast (default 2.5 s). */
  cardBudgetMs?: number;
}

export interface Edge {
  server: Server;
  url: string;
  /** Events stored and acknowledged by this process. */
  readonly acked: number;
  close(): Promise<void>;
}

/** The steps after the transport's checks, on the main thread: normalize, drop bots and self, mention gate, store. */
function storeSteps(o: EdgeOptions, counters: { acked: number; storeError: string | null }): Step[] {
  return [
    {
      name: 'normalize, drop bots and self, group mention gate',
      run(item) {
        const env = item.envelope!;
        const self = o.host.botOpenId;
        if (env.eventType === 'im.message.receive_v1') item.inbound = normalizeMessage(env.eventId, env.event, self);
        else if (env.eventType === 'card.action.trigger') item.inbound = normalizeCardAction(env.eventId, env.event);
        else item.inbound = normalizeNotice(env.eventId, env.eventType, env.event) ?? undefined;
        const m = item.inbound;
        if (!m) return ACK; // an event type the bot does not handle
        if (m.kind === 'message' && (m.senderType !== 'user' || (self && m.senderOpenId === self))) return ACK;
        if (m.kind === 'message' && m.chatType === 'group' && !m.mentionedBot) return ACK;
      },
    },
    {
      name: 'store (dedupe), acknowledge; a card waits for its answer',
      async run(item) {
        const env = item.envelope!;
        const m = item.inbound!;
        const started = Date.now();
        const card = m.kind === 'card' ? o.host.cardAnswer(env.eventId, (o.cardBudgetMs ?? CARD_INLINE_BUDGET_MS) - (started - (item as { readAt?: number }).readAt!)) : null;
        let inserted: boolean;
        try {
          inserted = await o.fast.insertEvent({
            eventId: env.eventId,
            eventType: env.eventType,
            chatId: m.chatId ?? null,
            messageId: m.kind === 'message' ? m.messageId : null,
            payload: storedPayload(env.raw, o.config.verificationToken),
            receivedAt: o.clock.now(),
          });
          counters.storeError = null;
        } catch (err) {
          card?.cancel();
          counters.storeError = (err as Error).message;
          throw err;
        }
        if (!inserted) {
          // A redelivery: stored already, and worked on (or waiting in the database to be).
          card?.cancel();
          return ACK;
        }
        counters.acked++;
        o.host.schedulePump();
        if (!card) return ACK;
        const body = await card.answer;
        if (body !== undefined) return { status: 200, body: body ?? {} };
        // Past the budget: "working on it" (the worker, told so, delivers its answer by delayed card update).
        const toast = o.host.workingToast;
        return { status: 200, body: toast ? { toast: { type: 'info', content: toast } } : {} };
      },
    },
  ];
}

/** Reads the whole body within the deadline and the size limit; answers 408/413 itself and returns null then. */
function readBody(req: IncomingMessage, res: ServerResponse, o: EdgeOptions): Promise<Buffer | null> {
  const { maxBodyBytes } = o.config;
  const ms = o.config.http.bodyTimeoutMs;
  return new Promise((resolve) => {
    const fail = (status: number, code: string, msg: string) => {
      if (!res.headersSent) {
        res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ code, msg }));
      }
      req.socket.destroy();
      resolve(null);
    };
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return fail(413, 'too_large', `body is over ${maxBodyBytes} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      o.logger.warn({ deadlineMs: ms, bytesRead: size, expectedBytes: req.headers['content-length'] ?? null, ip: req.socket.remoteAddress }, 'request body not received in time; connection closed');
      fail(408, 'body_timeout', `the request body did not arrive within ${ms} ms`);
    }, ms);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) {
        clearTimeout(timer);
        return fail(413, 'too_large', `body is over ${maxBodyBytes} bytes`);
      }
      chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    req.on('error', () => clearTimeout(timer));
    req.on('close', () => clearTimeout(timer));
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** /healthz: the worker's own report (database, outbox, WS) plus the `thread` block; 503 when either finds a reason. */
async function health(o: EdgeOptions, counters: { acked: number; storeError: string | null }): Promise<Answer> {
  const { host } = o;
  const reasons: string[] = [];
  const thread = host.info();
  if (thread.state === 'starting' && thread.stateMs > MAX_LOAD_MS) reasons.push(`the worker thread has been loading the bot for ${Math.round(thread.stateMs / 1000)} s; events are acknowledged and wait in the database`);
  if (thread.state === 'restarting') reasons.push(`the worker thread ended (${thread.lastExit ?? 'unknown'}) and is being restarted; events are acknowledged and wait in the database`);
  if (host.silent) reasons.push(`the worker thread has not answered for ${thread.silentMs} ms: a handler is holding it`);
  if (counters.storeError) reasons.push(`the last event could not be stored: ${counters.storeError}`);
  const backlog = await o.fast.eventBacklog().catch((err: Error) => {
    reasons.push(`the database cannot be read: ${err.message}`);
    return { received: 0, oldestReceivedAt: null };
  });
  let report: (Record<string, unknown> & { reasons: string[] }) | null = null;
  if (thread.state === 'ready' && !host.silent) {
    report = await host.health();
    if (!report) reasons.push(`the worker thread did not answer the health check within ${thread.silentMs} ms`);
  }
  const all = [...(report?.reasons ?? []), ...reasons];
  const oldest = backlog.oldestReceivedAt ? Math.max(0, Math.round((o.clock.now().getTime() - backlog.oldestReceivedAt.getTime()) / 1000)) : null;
  const body = {
    ...(report ?? { sandbox: o.config.sandbox }),
    status: all.length ? 'unhealthy' : 'ok',
    reasons: all,
    thread: { ...host.info(), backlog: backlog.received, oldestUnfinishedAgeSeconds: oldest, acked: counters.acked },
  };
  return { status: all.length ? 503 : 200, body };
}

/** Starts the main thread's HTTP server: POST /lark/events (webhook mode) and GET /healthz. */
export function startEdge(o: EdgeOptions, port: number, host = '0.0.0.0'): Promise<Edge> {
  const counters = { acked: 0, storeError: null as string | null };
  const steps = [...webhookSteps(o.config, o.clock), ...storeSteps(o, counters)];
  const webhook = o.config.eventMode === 'webhook';

  const onEvent = async (req: IncomingMessage, res: ServerResponse) => {
    const rawBody = await readBody(req, res, o);
    if (!rawBody) return;
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return send(res, 400, { code: 'bad_json', msg: 'body is not valid JSON' });
    }
    const headers: Record<string, string | undefined> = {};
    for (const k of ['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature']) {
      const v = req.headers[k];
      headers[k] = Array.isArray(v) ? v[0] : v;
    }
    const item: IntakeItem & { readAt: number } = { source: 'webhook', rawBody, headers, body, readAt: Date.now() };
    let answer: Answer;
    try {
      answer = await runSteps(steps, item);
    } catch (err) {
      if (err instanceof MalformedEventError) answer = { status: 400, body: { code: 'malformed_event', msg: err.message } };
      else {
        o.logger.error({ err }, 'intake failed before the ack');
        answer = { status: 500, body: { code: 'internal', msg: 'internal error; Feishu will redeliver' } };
      }
    }
    if (answer.status !== 200) o.logger.warn({ status: answer.status, body: answer.body }, 'event rejected');
    send(res, answer.status, answer.body);
  };

  const server = createServer(serverOptions(o.config), (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/lark/events' && webhook) {
      if (req.method !== 'POST') return send(res, 405, { code: 'method', msg: 'POST only' });
      void onEvent(req, res).catch((err) => {
        o.logger.error({ err }, 'request failed');
        if (!res.headersSent) send(res, 500, { code: 'internal', msg: 'internal error' });
      });
      return;
    }
    if (path === '/healthz' && req.method === 'GET') {
      void health(o, counters).then((a) => send(res, a.status, a.body), (err: Error) => send(res, 503, { status: 'unhealthy', reasons: [`the health check failed: ${err.message}`] }));
      return;
    }
    send(res, 404, { code: 'not_found', msg: 'only POST /lark/events and GET /healthz are served here' });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        server,
        url: `http://127.0.0.1:${p}`,
        get acked() {
          return counters.acked;
        },
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
