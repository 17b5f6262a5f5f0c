/** Why: the bot's signature and decryption checks are only proven if deliveries match Feishu's, checked independently here. */
import { createDecipheriv, createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import { decryptPayload, encryptPayload, type FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { APP, goodCard, makeFake, receiver, sdkClient } from './helpers.ts';

/** Feishu's documented decryption, written out independently of the fake. */
function independentDecrypt(key: string, b64: string): string {
  const k = createHash('sha256').update(key).digest();
  const buf = Buffer.from(b64, 'base64');
  const d = createDecipheriv('aes-256-cbc', k, buf.subarray(0, 16));
  return Buffer.concat([d.update(buf.subarray(16)), d.final()]).toString('utf8');
}
const independentSign = (ts: string, nonce: string, key: string, body: string) =>
  createHash('sha256').update(ts + nonce + key + body).digest('hex');

let fake: FakeFeishu;
let rx: Awaited<ReturnType<typeof receiver>> | undefined;
afterEach(async () => {
  await fake?.close();
  await rx?.close();
  rx = undefined;
});

describe('crypto compatible with Feishu', () => {
  it("matches Feishu's published vector and round-trips through the SDK's AESCipher", () => {
    expect(independentDecrypt('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
    expect(decryptPayload('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
    const enc = encryptPayload('test key', '{"中文":"hello world"}');
    expect(independentDecrypt('test key', enc)).toBe('{"中文":"hello world"}');
    expect(new lark.AESCipher('test key').decrypt(enc)).toBe('{"中文":"hello world"}');
  });
});

describe('event delivery', () => {
  it('delivers a signed, encrypted im.message.receive_v1 that an independent implementation verifies', async () => {
    const clock = new ManualClock('2026-03-02T02:00:00Z');
    fake = await makeFake({ clock, encryptKey: APP.encryptKey, botOpenId: 'ou_the_bot', botName: '评选助手' });
    fake.addUser({ openId: 'ou_alice', name: 'Alice', userId: 'alice01' });
    rx = await receiver();
    fake.setBotEndpoint(rx.url);
    const d = await fake.deliverMessage({ from: 'ou_alice', chatId: 'oc_grp', chatType: 'group', text: 'hello', mentionBot: true });
    expect(d.responses[0]!.status).toBe(200);
    const got = rx.got[0]!;
    const ts = String(got.headers['x-lark-request-timestamp']);
    const nonce = String(got.headers['x-lark-request-nonce']);
    expect(ts).toBe(String(Date.parse('2026-03-02T02:00:00Z') / 1000));
    expect(nonce.length).toBeGreaterThan(0);
    expect(got.headers['x-lark-signature']).toBe(independentSign(ts, nonce, APP.encryptKey, got.raw));
    const outer = JSON.parse(got.raw) as { encrypt: string };
    expect(Object.keys(outer)).toEqual(['encrypt']);
    const ev = JSON.parse(independentDecrypt(APP.encryptKey, outer.encrypt));
    expect(ev).toMatchObject({
      schema: '2.0',
      header: { event_id: d.eventId, event_type: 'im.message.receive_v1', create_time: String(clock.now().getTime()), token: APP.verificationToken, app_id: APP.appId, tenant_key: fake.tenantKey },
      event: {
        sender: { sender_id: { open_id: 'ou_alice', user_id: 'alice01' }, sender_type: 'user', tenant_key: fake.tenantKey },
        message: {
          message_id: d.messageId, chat_id: 'oc_grp', chat_type: 'group', message_type: 'text',
          content: JSON.stringify({ text: '@_user_1 hello' }),
          mentions: [{ key: '@_user_1', id: { open_id: 'ou_the_bot' }, name: '评选助手', tenant_key: fake.tenantKey }],
        },
      },
    });
    expect(ev.event.sender.sender_id.union_id).toMatch(/^on_/);
    // The delivered message exists, so the bot can reply to it.
    const r = await sdkClient(fake).im.v1.message.reply({ path: { message_id: d.messageId }, data: { msg_type: 'text', content: JSON.stringify({ text: '收到' }) } });
    expect(r.data?.chat_id).toBe('oc_grp');
    expect(fake.messagesTo('oc_grp')).toHaveLength(1);
  });

  it('sends plain JSON without signature when there is no encrypt key; redelivers identical bodies', async () => {
    fake = await makeFake();
    rx = await receiver();
    fake.setBotEndpoint(rx.url);
    const d = await fake.deliverMessage({ from: 'ou_b', chatType: 'p2p', text: 'hi', redeliver: 2, senderType: 'app' });
    expect(d.responses).toHaveLength(3);
    expect(rx.got).toHaveLength(3);
    expect(new Set(rx.got.map((g) => g.raw)).size).toBe(1);
    expect(rx.got[0]!.headers['x-lark-signature']).toBeUndefined();
    const ev = JSON.parse(rx.got[0]!.raw);
    expect(ev.event.message).toMatchObject({ chat_id: 'oc_p2p_ou_b', chat_type: 'p2p', content: '{"text":"hi"}' });
    expect(ev.event.message.mentions).toBeUndefined();
    expect(ev.event.sender.sender_type).toBe('app');
  });

  it('forges signature and timestamp on request, and posts raw bodies verbatim', async () => {
    fake = await makeFake({ encryptKey: APP.encryptKey });
    rx = await receiver(() => ({ status: 401, body: { error: 'bad signature' } }));
    fake.setBotEndpoint(rx.url);
    const d = await fake.deliverMessage({ from: 'ou_c', chatType: 'p2p', text: 'x', signature: 'deadbeef', encrypt: false });
    expect(d.responses[0]).toMatchObject({ status: 401, body: { error: 'bad signature' } });
    expect(rx.got[0]!.headers['x-lark-signature']).toBe('deadbeef');
    expect(JSON.parse(rx.got[0]!.raw).schema).toBe('2.0');
    await fake.deliverMessage({ from: 'ou_c', chatType: 'p2p', text: 'y', timestamp: '1000' });
    const g = rx.got[1]!;
    expect(g.headers['x-lark-request-timestamp']).toBe('1000');
    expect(g.headers['x-lark-signature']).toBe(independentSign('1000', String(g.headers['x-lark-request-nonce']), APP.encryptKey, g.raw));
    const raw = await fake.deliverRaw('{"schema":"2.0", "junk": true}', { 'x-custom': '1' });
    expect(raw.status).toBe(401);
    expect(rx.got[2]).toMatchObject({ raw: '{"schema":"2.0", "junk": true}', headers: { 'x-custom': '1' } });
  });

  it('delivers url_verification plain or encrypted', async () => {
    fake = await makeFake({ encryptKey: APP.encryptKey });
    rx = await receiver((r) => {
      const body = JSON.parse(r.raw);
      const inner = body.encrypt ? JSON.parse(independentDecrypt(APP.encryptKey, body.encrypt)) : body;
      return { body: { challenge: inner.challenge } };
    });
    fake.setBotEndpoint(rx.url);
    const plain = await fake.deliverChallenge();
    expect(JSON.parse(rx.got[0]!.raw)).toEqual({ challenge: plain.challenge, token: APP.verificationToken, type: 'url_verification' });
    expect(plain.body).toEqual({ challenge: plain.challenge });
    const enc = await fake.deliverChallenge({ encrypted: true });
    expect(Object.keys(JSON.parse(rx.got[1]!.raw))).toEqual(['encrypt']);
    expect(enc.body).toEqual({ challenge: enc.challenge });
  });

  it('delivers card.action.trigger and applies a raw card answer to the message, validated', async () => {
    fake = await makeFake();
    fake.addUser({ openId: 'ou_v', name: 'Voter', userId: 'v1' });
    const sent = await sdkClient(fake).im.v1.message.create({
      params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_v', msg_type: 'interactive', content: JSON.stringify(goodCard()) },
    });
    const messageId = sent.data!.message_id!;
    const updated = goodCard([{ tag: 'markdown', content: '已确认 ✅' }]);
    let answer: unknown = { toast: { type: 'success', content: '已确认' }, card: { type: 'raw', data: updated } };
    rx = await receiver(() => ({ body: answer }));
    fake.setBotEndpoint(rx.url);
    const d = await fake.deliverCardAction({ operator: 'ou_v', value: { action: 'confirm', id: 7 }, messageId, formValue: { reason: 'ok' }, name: 'submit_btn' });
    expect(d).toMatchObject({ status: 200, cardApplied: true, body: { toast: { type: 'success' } } });
    const ev = JSON.parse(rx.got[0]!.raw);
    expect(ev).toMatchObject({
      schema: '2.0',
      header: { event_id: d.eventId, token: APP.verificationToken, event_type: 'card.action.trigger', app_id: APP.appId },
      event: {
        operator: { open_id: 'ou_v', user_id: 'v1' }, host: 'im_message',
        action: { value: { action: 'confirm', id: 7 }, tag: 'button', form_value: { reason: 'ok' }, name: 'submit_btn', timezone: 'Asia/Shanghai' },
        context: { open_message_id: messageId, open_chat_id: 'oc_p2p_ou_v' },
      },
    });
    expect(ev.event.token).toMatch(/^c-/);
    expect(fake.message(messageId)).toMatchObject({ card: updated, patches: [JSON.stringify(updated)] });
    answer = { card: { type: 'raw', data: { schema: '2.0', body: { elements: [{ tag: 'note', elements: [] }] } } } };
    const bad = await fake.deliverCardAction({ operator: 'ou_v', value: {}, messageId, redeliver: 1 });
    expect(bad.cardApplied).toBe(false);
    expect(bad.cardError).toMatchObject({ code: 230099, subCode: 200861 });
    expect(bad.responses).toHaveLength(2);
    expect(fake.message(messageId)!.patches).toHaveLength(1);
  });
});
