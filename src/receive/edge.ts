/**
 * Why: the webhook's own checks (signature, challenge, token and app_id) and server deadlines, without express, so the
 * threaded mode's acknowledging main thread (src/worker/) runs the very same steps as the express route.
 */
import type { ServerOptions } from 'node:http';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import { checkIdentity, checkSignature, isRejection, openEnvelope } from './verify.ts';
import type { Answer, Step } from '../pipeline/intake.ts';

export function reject(r: { status: number; code: string; message: string }): Answer {
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

