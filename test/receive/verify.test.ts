import { describe, expect, it } from 'vitest';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { checkIdentity, checkSignature, computeSignature, decrypt, openEnvelope, isRejection } from '../../src/receive/verify.ts';

describe('decrypt', () => {
  it("matches Feishu's published vector", () => {
    expect(decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
  });
  it('round-trips a body encrypted the way Feishu does', () => {
    const key = createHash('sha256').update('k2').digest();
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', key, iv);
    const enc = Buffer.concat([iv, c.update('{"a":"中文"}'), c.final()]).toString('base64');
    expect(decrypt(enc, 'k2')).toBe('{"a":"中文"}');
  });
  it('throws on the wrong key', () => {
    expect(() => decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'other key')).toThrow();
  });
});

describe('checkSignature', () => {
  const body = Buffer.from('{"schema":"2.0",  "x": 1}');
  const now = 1_760_000_000_000;
  const ts = String(now / 1000);
  const sig = computeSignature(ts, 'n1', 'ek', body);
  it('accepts the signature over the raw bytes, whitespace included', () => {
    expect(checkSignature({ timestamp: ts, nonce: 'n1', signature: sig }, body, 'ek', now)).toBeNull();
  });
  it.each([
    ['a changed body', { timestamp: ts, nonce: 'n1', signature: sig }, Buffer.from('{"schema":"2.0","x":1}'), now, 'bad_signature'],
    ['a wrong key', { timestamp: ts, nonce: 'n1', signature: computeSignature(ts, 'n1', 'other', body) }, body, now, 'bad_signature'],
    ['missing headers', { timestamp: ts }, body, now, 'missing_signature'],
    ['a timestamp 301 s old', { timestamp: String(now / 1000 - 301), nonce: 'n1', signature: computeSignature(String(now / 1000 - 301), 'n1', 'ek', body) }, body, now, 'stale_timestamp'],
    ['a timestamp 301 s ahead', { timestamp: String(now / 1000 + 301), nonce: 'n1', signature: computeSignature(String(now / 1000 + 301), 'n1', 'ek', body) }, body, now, 'stale_timestamp'],
  ])('rejects %s with 401', (_n, h, b, at, code) => {
    const r = checkSignature(h, b, 'ek', at);
    expect(r?.status).toBe(401);
    expect(r?.code).toBe(code);
  });
  it('accepts a timestamp 299 s old', () => {
    const t = String(now / 1000 - 299);
    expect(checkSignature({ timestamp: t, nonce: 'n', signature: computeSignature(t, 'n', 'ek', body) }, body, 'ek', now)).toBeNull();
  });
});

describe('openEnvelope and checkIdentity', () => {
  it('recognises a plain challenge', () => {
    expect(openEnvelope({ challenge: 'c1', token: 't', type: 'url_verification' }, undefined)).toEqual({ kind: 'challenge', challenge: 'c1', token: 't' });
  });
  it('rejects schema 1.0 events', () => {
    const r = openEnvelope({ uuid: 'x', event: {}, type: 'event_callback' }, undefined);
    expect(isRejection(r) && r.status).toBe(400);
  });
  it('rejects ciphertext that does not decrypt', () => {
    const r = openEnvelope({ encrypt: 'AAAA' }, 'k');
    expect(isRejection(r) && r.code).toBe('bad_ciphertext');
  });
  it('refuses a wrong token and another app', () => {
    const exp = { verificationToken: 'v', appId: 'cli_a' };
    expect(checkIdentity({ token: 'x', appId: 'cli_a' }, exp)?.code).toBe('bad_token');
    expect(checkIdentity({ token: 'v', appId: 'cli_b' }, exp)?.code).toBe('wrong_app');
    expect(checkIdentity({ token: 'v', appId: 'cli_a' }, exp)).toBeNull();
  });
});
