/** Why: the HTTP edge for Feishu: raw body → signature and timestamp → challenge → token and app_id → the shared intake steps. */
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { webhookSteps } from './edge.ts';
import { runSteps, type Answer, type IntakeItem, type Intake } from '../pipeline/intake.ts';
import { MalformedEventError } from '../pipeline/events.ts';

export { serverOptions, webhookSteps } from './edge.ts';

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
