/** Why: the HTTP edge for Feishu: raw body → signature and timestamp → challenge → token and app_id → the shared intake steps. */
import express, { type Request, type Response, type NextFunction } from 'express';
import type { ServerOptions } from 'node:http';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { checkIdentity, checkSignature, isRejection, openEnvelope } from './verify.ts';
import { runSteps, type Answer, type IntakeItem, type Intake, type Step } from '../pipeline/intake.ts';
import { MalformedEventError } from '../pipeline/events.ts';

function reject(r: { status: number; code: string; message: string }): Answer {
  return { status: r.status, body: { code: r.code, msg: r.message } };
}

/** The transport's own checks, before the shared steps. */
export function webhookSteps(config: Config, clock: Clock): Step[] {
  return [
    {
      name: 'verify signature and timestamp',
      run(item) {
        if (!config.encryptKey) return;
        const h = item.headers ?? {};
        const isChallenge = h['x-lark-signature'] === undefined && looksLikeChallenge(item.body, config.encryptKey);
        if (isChallenge) return; // Feishu's url_verification may come unsigned; its token is checked below.
        const r = checkSignature({ timestamp: h['x-lark-request-timestamp'], nonce: h['x-lark-request-nonce'], signature: h['x-lark-signature'] }, item.rawBody!, config.encryptKey, clock.now().getTime());
        if (r) return reject(r);
      },
    },
    {
      name: 'decrypt and answer the challenge',
      run(item) {
        const env = openEnvelope(item.body, config.encryptKey);
        if (isRejection(env)) return reject(env);
        if (env.kind === 'challenge') {
          const bad = checkIdentity({ token: env.token }, config);
          return bad ? reject(bad) : { status: 200, body: { challenge: env.challenge } };
        }
        item.envelope = env;
      },
    },
    {
      name: 'check verification token and app_id',
      run(item) {
        const bad = checkIdentity(item.envelope!, config);
        if (bad) return reject(bad);
      },
    },
  ];
}

function looksLikeChallenge(body: unknown, encryptKey: string): boolean {
  const env = openEnvelope(body, encryptKey);
  return !isRejection(env) && env.kind === 'challenge';
}

/**
 * Options for the HTTP server the webhook is served on: Feishu sends a whole small body at once, so headers and the
 * whole request must arrive within a few seconds. Node checks these deadlines every `connectionsCheckingInterval`
 * (30 s by default), so the interval is set to a fraction of the shortest one.
 */
export function serverOptions(config: Config): ServerOptions {
  const { headersTimeoutMs, requestTimeoutMs } = config.http;
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
  };
}

/**
 * The body-read deadline: a request whose body is not complete `ms` after its headers arrived gets 408 and its
 * connection is closed. The waiting costs one timer; the request holds no handler back meanwhile (it is not an ack in
 * flight until its body is read).
 */
function bodyDeadline(ms: number, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.complete) return next();
    const timer = setTimeout(() => {
      if (req.complete) return;
      logger.warn({ deadlineMs: ms, socketBytesRead: req.socket.bytesRead, expectedBytes: req.headers['content-length'] ?? null, ip: req.socket.remoteAddress }, 'request body not received in time; connection closed');
      if (!res.headersSent) {
        res.writeHead(408, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ code: 'body_timeout', msg: `the request body did not arrive within ${ms} ms` }));
      }
      // Whatever the client still sends is not read: the socket goes now.
      req.socket.destroy();
    }, ms);
    const done = () => clearTimeout(timer);
    req.once('end', done);
    req.once('close', done);
    next();
  };
}

export function webhookRouter(opts: { config: Config; clock: Clock; logger: Logger; intake: Intake }): express.Router {
  const { config, clock, logger, intake } = opts;
  const steps = [...webhookSteps(config, clock), ...intake.steps];
  const router = express.Router();
  router.post('/lark/events', bodyDeadline(config.http.bodyTimeoutMs, logger));
  router.post('/lark/events', express.raw({ type: () => true, limit: config.maxBodyBytes }), async (req: Request, res: Response) => {
    // Counted once the body is read: a request being verified is an ack that background work should not delay. A client
    // still dribbling its body is not counted, so it delays nobody.
    intake.acks.enter();
    res.once('close', () => intake.acks.leave());
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      res.status(400).json({ code: 'bad_json', msg: 'body is not valid JSON' });
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const k of ['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature']) {
      const v = req.headers[k];
      headers[k] = Array.isArray(v) ? v[0] : v;
    }
    const item: IntakeItem = { source: 'webhook', rawBody, headers, body };
    let answer: Answer;
    try {
      answer = await runSteps(steps, item);
    } catch (err) {
      if (err instanceof MalformedEventError) {
        // A well-signed body that lacks what the event type requires: redelivering it would never help.
        answer = { status: 400, body: { code: 'malformed_event', msg: err.message } };
      } else {
        logger.error({ err }, 'intake failed before the ack');
        answer = { status: 500, body: { code: 'internal', msg: 'internal error; Feishu will redeliver' } };
      }
    }
    if (answer.status !== 200) logger.warn({ status: answer.status, body: answer.body }, 'event rejected');
    res.status(answer.status).json(answer.body);
  });
  router.use('/lark/events', (err: { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return; // the body deadline already answered and closed the connection
    if (err?.type === 'entity.too.large') {
      res.status(413).json({ code: 'too_large', msg: `body is over ${config.maxBodyBytes} bytes` });
      return;
    }
    if (err?.status && err.status < 500) {
      res.status(err.status).json({ code: 'bad_request', msg: 'unreadable body' });
      return;
    }
    next(err);
  });
  return router;
}
