/** Why: the pure checks Feishu's inbound requests must pass: signature over raw bytes, timestamp window, decryption, token, app_id. */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

export const MAX_SKEW_SECONDS = 300;

export type Rejection = { status: 400 | 401; code: string; message: string };

/** AES-256-CBC with key sha256(encryptKey); the first 16 bytes of the decoded buffer are the IV. */
export function decrypt(encrypted: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32 || buf.length % 16 !== 0) throw new Error('ciphertext has the wrong length');
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

export function computeSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(rawBody)
    .digest('hex');
}

export interface SignedHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
}

/** Checks the signature and the timestamp window. Returns null when the request may proceed. */
export function checkSignature(h: SignedHeaders, rawBody: Buffer, encryptKey: string, nowMs: number): Rejection | null {
  if (!h.timestamp || !h.nonce || !h.signature) {
    return { status: 401, code: 'missing_signature', message: 'x-lark-request-timestamp, -nonce and -signature are required' };
  }
  const expected = Buffer.from(computeSignature(h.timestamp, h.nonce, encryptKey, rawBody), 'utf8');
  const given = Buffer.from(h.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { status: 401, code: 'bad_signature', message: 'signature does not match the body; check LARK_ENCRYPT_KEY' };
  }
  const ts = Number(h.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > MAX_SKEW_SECONDS) {
    return { status: 401, code: 'stale_timestamp', message: `timestamp is more than ${MAX_SKEW_SECONDS}s away from the server clock` };
  }
  return null;
}

/** The envelope after optional decryption: either a challenge, or a schema-2.0 event. */
export type Envelope =
  | { kind: 'challenge'; challenge: string; token?: string }
  | { kind: 'event'; eventId: string; eventType: string; token?: string; appId?: string; createTime?: string; event: Record<string, unknown>; raw: Record<string, unknown> };

export function openEnvelope(body: unknown, encryptKey: string | undefined): Envelope | Rejection {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, code: 'not_object', message: 'body must be a JSON object' };
  let obj = body as Record<string, unknown>;
  if (typeof obj.encrypt === 'string') {
    if (!encryptKey) return { status: 400, code: 'no_key', message: 'encrypted body but LARK_ENCRYPT_KEY is not set' };
    try {
      obj = JSON.parse(decrypt(obj.encrypt, encryptKey)) as Record<string, unknown>;
    } catch {
      return { status: 400, code: 'bad_ciphertext', message: 'could not decrypt the body with LARK_ENCRYPT_KEY' };
    }
    if (!obj || typeof obj !== 'object') return { status: 400, code: 'not_object', message: 'decrypted body is not an object' };
  }
  if (obj.type === 'url_verification') {
    if (typeof obj.challenge !== 'string') return { status: 400, code: 'bad_challenge', message: 'challenge must be a string' };
    return { kind: 'challenge', challenge: obj.challenge, token: typeof obj.token === 'string' ? obj.token : undefined };
  }
  const header = obj.header as Record<string, unknown> | undefined;
  if (obj.schema !== '2.0' || !header || typeof header.event_id !== 'string' || typeof header.event_type !== 'string') {
    return { status: 400, code: 'not_schema2', message: 'only schema 2.0 events are accepted (header.event_id and header.event_type)' };
  }
  if (header.event_id.length === 0 || header.event_id.length > 128) {
    return { status: 400, code: 'bad_event_id', message: 'event_id must be 1–128 characters' };
  }
  return {
    kind: 'event',
    eventId: header.event_id,
    eventType: header.event_type,
    token: typeof header.token === 'string' ? header.token : undefined,
    appId: typeof header.app_id === 'string' ? header.app_id : undefined,
    createTime: typeof header.create_time === 'string' ? header.create_time : undefined,
    event: (obj.event as Record<string, unknown>) ?? {},
    raw: obj,
  };
}

export function isRejection(x: unknown): x is Rejection {
  return !!x && typeof x === 'object' && 'status' in x && 'code' in x;
}

/** Token and app_id checks shared by webhook and challenge handling. */
export function checkIdentity(env: { token?: string; appId?: string }, expected: { verificationToken: string; appId: string }): Rejection | null {
  if (env.token !== expected.verificationToken) {
    return { status: 401, code: 'bad_token', message: 'verification token does not match LARK_VERIFICATION_TOKEN' };
  }
  if (env.appId !== undefined && env.appId !== expected.appId) {
    return { status: 401, code: 'wrong_app', message: 'event is for another app_id' };
  }
  return null;
}
