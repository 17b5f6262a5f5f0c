/** End-to-end: the real express app on port 0, the real SDK, the loopback fake Feishu, signed and encrypted deliveries. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, CREDS, type Harness } from '../helpers/harness.ts';
import { computeSignature } from '../../src/receive/verify.ts';
import { TEST_PG } from '../helpers/db.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const cardText = (card: unknown) => JSON.stringify(card);

describe('challenge', () => {
  it('answers a plain url_verification', async () => {
    h = await createHarness({ encrypt: false });
    const r = await h.fake.deliverChallenge();
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ challenge: r.challenge });
  });
  it('answers an encrypted url_verification', async () => {
    h = await createHarness({ encrypt: true });
    const r = await h.fake.deliverChallenge({ encrypted: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ challenge: r.challenge });
  });
  it('refuses a challenge with the wrong verification token', async () => {
    h = await createHarness({ encrypt: false });
    const res = await h.fake.deliverRaw(JSON.stringify({ challenge: 'x', token: 'wrong', type: 'url_verification' }));
    expect(res.status).toBe(401);
  });
});

describe('messages', () => {
  it('replies to 帮助 in p2p with the help card from prompts/', async () => {
    h = await createHarness();
    const d = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    expect(d.responses[0]!.status).toBe(200);
    const [reply] = await h.fake.waitFor((ms) => (ms.length ? ms : null));
    expect(reply!.replyTo).toBe(d.messageId);
    expect(reply!.msg_type).toBe('interactive');
    expect(cardText(reply!.card)).toContain('示范单位评选助手');
    expect(cardText(reply!.card)).toContain('/help');
  });

  it('answers unknown text with help that names what it did not understand, escaped', async () => {
    h = await createHarness();
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '**你好** <at user_id="all"></at>' });
    const [reply] = await h.fake.waitFor((ms) => (ms.length ? ms : null));
    const text = cardText(reply!.card);
    expect(text).toContain('我没有理解');
    expect(text).not.toContain('**你好**');
    expect(text).not.toContain('<at');
  });

  it('the same event delivered 5 times gets one reply', async () => {
    h = await createHarness();
    const d = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: 'help', redeliver: 4 });
    expect(d.responses).toHaveLength(5);
    expect(d.responses.every((r) => r.status === 200)).toBe(true);
    await h.app.settle();
    expect(h.fake.messages).toHaveLength(1);
    expect(await h.prisma.processedEvent.count()).toBe(1);
  });

  it('acknowledges before the work is done (ack does not wait for a slow Open API)', async () => {
    h = await createHarness();
    h.fake.inject({ kind: 'latency', ms: 1500, match: { route: 'reply' } });
    const d = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: 'help' });
    expect(d.responses[0]!.elapsedMs).toBeLessThan(1000);
    await h.fake.waitFor((ms) => ms.length === 1, { timeoutMs: 5000 });
  });

  it('ignores a group message without an @-mention, and answers one with it (mention stripped)', async () => {
    h = await createHarness();
    await h.fake.deliverMessage({ from: 'ou_alice', chatId: 'oc_group1', chatType: 'group', text: '帮助' });
    await h.app.settle();
    expect(h.fake.messages).toHaveLength(0);
    expect(await h.prisma.processedEvent.count()).toBe(0);
    await h.fake.deliverMessage({ from: 'ou_alice', chatId: 'oc_group1', chatType: 'group', text: '帮助', mentionBot: true });
    const [reply] = await h.fake.waitFor((ms) => (ms.length ? ms : null));
    expect(reply!.chat_id).toBe('oc_group1');
    expect(cardText(reply!.card)).not.toContain('我没有理解');
  });

  it('drops messages sent by bots, including itself', async () => {
    h = await createHarness();
    await h.fake.deliverMessage({ from: 'ou_other_bot', chatType: 'p2p', text: 'help', senderType: 'app' });
    await h.fake.deliverMessage({ from: h.fake.botOpenId, chatType: 'p2p', text: 'help' });
    await h.app.settle();
    expect(h.fake.messages).toHaveLength(0);
  });

  it('handles each chat in order', async () => {
    h = await createHarness();
    for (const text of ['one', 'two', 'three']) await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text });
    await h.fake.waitFor((ms) => ms.length === 3);
    const order = h.fake.messages.map((m) => JSON.stringify(m.card).match(/“(one|two|three)”/)?.[1]);
    expect(order).toEqual(['one', 'two', 'three']);
  });
});

describe('rejections', () => {
  it('a forged signature gets 401 and nothing is stored', async () => {
    h = await createHarness();
    const d = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: 'help', signature: 'f'.repeat(64) });
    expect(d.responses[0]!.status).toBe(401);
    await h.app.settle();
    expect(await h.prisma.processedEvent.count()).toBe(0);
    expect(h.fake.messages).toHaveLength(0);
  });

  it('a stale timestamp (over 5 minutes) is rejected', async () => {
    h = await createHarness();
    const stale = String(Math.floor(h.clock.now().getTime() / 1000) - 301);
    const d = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: 'help', timestamp: stale });
    expect(d.responses[0]!.status).toBe(401);
    expect(await h.prisma.processedEvent.count()).toBe(0);
  });

  it('an event for another app_id is rejected', async () => {
    h = await createHarness({ encrypt: false });
    const body = JSON.stringify({ schema: '2.0', header: { event_id: 'ev_x', event_type: 'im.message.receive_v1', token: CREDS.verificationToken, app_id: 'cli_other' }, event: {} });
    expect((await h.fake.deliverRaw(body)).status).toBe(401);
  });

  it('malformed JSON gets 400 and an oversized body gets 413', async () => {
    h = await createHarness({ env: { MAX_BODY_BYTES: '2048' } });
    const bad = await fetch(`${h.botUrl}/lark/events`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    const big = await fetch(`${h.botUrl}/lark/events`, { method: 'POST', body: JSON.stringify({ x: 'a'.repeat(5000) }), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
  });

  it('verifies the signature over the raw bytes, not a re-serialisation', async () => {
    h = await createHarness();
    const ts = String(Math.floor(h.clock.now().getTime() / 1000));
    const body = `{ "encrypt" : "${'A'.repeat(44)}" }`;
    const sig = computeSignature(ts, 'nonce1', CREDS.encryptKey, body);
    const ok = await fetch(`${h.botUrl}/lark/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'nonce1', 'x-lark-signature': sig } });
    // The signature matches the spaced body; it then fails decryption (400), not the signature (401).
    expect(ok.status).toBe(400);
  });
});

describe('malformed events', () => {
  it('a signed card callback without an operator gets 400 (redelivery would not help), not 500', async () => {
    h = await createHarness({ encrypt: false });
    const body = JSON.stringify({ schema: '2.0', header: { event_id: 'ev_bad_card', event_type: 'card.action.trigger', token: CREDS.verificationToken, app_id: CREDS.appId }, event: { action: { value: {} } } });
    expect((await h.fake.deliverRaw(body)).status).toBe(400);
  });
});

describe('health', () => {
  it('GET /healthz reports the database', async () => {
    h = await createHarness();
    const res = await fetch(`${h.botUrl}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { db: { ok: boolean; journalMode: string } };
    expect(body.db).toEqual(TEST_PG ? { ok: true } : { ok: true, journalMode: 'wal' });
  });
});
