/** Why: the bot's retry and exactly-once logic is only as good as the failures we can throw at it; prove they behave. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { httpError, makeFake, sdkClient, textContent } from './helpers.ts';

let fake: FakeFeishu;
afterEach(async () => {
  await fake?.close();
});

const sendTo = (fake: FakeFeishu, chatId: string, text: string, uuid?: string) =>
  sdkClient(fake).im.v1.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'text', content: textContent(text), ...(uuid ? { uuid } : {}) },
  });

describe('fault injection', () => {
  it('an injected 429 carries code 99991400 and x-ogw-ratelimit-reset, and creates no message', async () => {
    fake = await makeFake();
    fake.addChat({ chatId: 'oc_1', name: 'One', type: 'group', members: ['ou_a'] });
    fake.inject({ kind: 'http429', resetSeconds: 7, match: { route: 'send' } });
    const e = await httpError(sendTo(fake, 'oc_1', 'x'));
    expect(e.status).toBe(429);
    expect(e.code).toBe(99991400);
    expect(e.headers['x-ogw-ratelimit-reset']).toBe('7');
    expect(e.headers['x-ogw-ratelimit-limit']).toBeDefined();
    expect(fake.messages).toHaveLength(0);
    expect(fake.calls.find((c) => c.route === 'send')).toMatchObject({ status: 429, fault: 'http429' });
    await sendTo(fake, 'oc_1', 'y');
    expect(fake.messages).toHaveLength(1);
  });

  it('consumes rules in order, by match and times: 230020, 5xx, code, reset, then success', async () => {
    fake = await makeFake();
    fake.addChat({ chatId: 'oc_1', name: 'One', type: 'group', members: ['ou_a'] });
    fake.inject({ kind: 'code230020', match: { method: 'POST', pathPrefix: '/open-apis/im/v1/messages' } });
    fake.inject({ kind: 'http5xx', status: 503, times: 2, match: { route: 'send' } });
    fake.inject({ kind: 'code', code: 230099, msg: 'boom', match: { route: 'send' } });
    fake.inject({ kind: 'reset', match: { route: 'send' } });
    const client = sdkClient(fake);
    const send = () => client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: textContent('x') } });
    expect(await httpError(send())).toMatchObject({ status: 400, code: 230020 });
    expect(await httpError(send())).toMatchObject({ status: 503 });
    expect(await httpError(send())).toMatchObject({ status: 503 });
    expect(await send()).toMatchObject({ code: 230099, msg: 'boom' }); // HTTP 200 with code != 0
    await expect(send()).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(fake.messages).toHaveLength(0);
    expect((await send()).code).toBe(0);
    expect(fake.messages).toHaveLength(1);
  });

  it('a timeout fault holds the answer past the client timeout and creates nothing', async () => {
    fake = await makeFake();
    fake.addChat({ chatId: 'oc_1', name: 'One', type: 'group', members: ['ou_a'] });
    const client = sdkClient(fake);
    await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: textContent('warm') } });
    fake.inject({ kind: 'timeout', ms: 60_000, match: { route: 'send' } });
    const res = fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(300),
    });
    await expect(res).rejects.toThrow();
    expect(fake.messages).toHaveLength(1);
    expect(fake.calls.at(-1)).toMatchObject({ status: 0, fault: 'timeout' });
  });

  it('afterCommit loses the answer but keeps the message, so a uuid retry returns the same one', async () => {
    fake = await makeFake();
    fake.addChat({ chatId: 'oc_1', name: 'One', type: 'group', members: ['ou_a'] });
    fake.inject({ kind: 'reset', afterCommit: true, match: { route: 'send' } });
    await expect(sendTo(fake, 'oc_1', 'once', 'uuid-once')).rejects.toBeTruthy();
    expect(fake.messages).toHaveLength(1);
    const retry = await sendTo(fake, 'oc_1', 'once', 'uuid-once');
    expect(retry.data?.message_id).toBe(fake.messages[0]!.message_id);
    expect(fake.messages).toHaveLength(1);
  });

  it('latency rules and the global latency delay answers', async () => {
    fake = await makeFake({ latencyMs: 120 });
    fake.addChat({ chatId: 'oc_1', name: 'One', type: 'group', members: ['ou_a'] });
    const client = sdkClient(fake); // first call also fetches the token: two delayed calls
    let t = performance.now();
    await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: textContent('a') } });
    expect(performance.now() - t).toBeGreaterThanOrEqual(230);
    fake.setLatency(0);
    fake.inject({ kind: 'latency', ms: 150, match: { route: 'send' } });
    t = performance.now();
    await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: textContent('b') } });
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    expect(fake.messages).toHaveLength(2);
  });

  it('chaos is deterministic for a seed, fails about the given rate, and failures never create messages', async () => {
    const run = async () => {
      const f = await makeFake();
      f.addChat({ chatId: 'oc_1', name: 'One', type: 'group', members: ['ou_a'] });
      f.setChaos({ rate: 0.3, seed: 42, kinds: ['http429', 'code230020', 'http5xx'] });
      const client = sdkClient(f);
      const outcome: string[] = [];
      for (let i = 0; i < 60; i++) {
        try {
          const r = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: textContent(`m${i}`) } });
          outcome.push(r.code === 0 ? 'ok' : `code${r.code}`);
        } catch (e) {
          outcome.push(String((e as { response?: { status: number } }).response?.status));
        }
      }
      const created = f.messages.length;
      const fired = f.chaosFired();
      await f.close();
      return { outcome, created, fired };
    };
    const a = await run();
    const b = await run();
    expect(a.outcome).toEqual(b.outcome);
    const fails = a.outcome.filter((o) => o !== 'ok').length;
    expect(fails).toBeGreaterThan(6);
    expect(fails).toBeLessThan(32);
    expect(a.created).toBe(60 - fails);
    expect(Object.values(a.fired).reduce((x, y) => x + y, 0)).toBe(fails);
    fake = await makeFake(); // for afterEach
  });
});

describe('enforceLimits', () => {
  it('answers 429 beyond 5 QPS per chat (per the injected clock) and counts rateLimited', async () => {
    const clock = new ManualClock();
    fake = await makeFake({ clock, enforceLimits: true });
    fake.addChat({ chatId: 'oc_1', name: 'One', type: 'group', members: ['ou_a'] });
    fake.addChat({ chatId: 'oc_2', name: 'Two', type: 'group', members: ['ou_a'] });
    for (let i = 0; i < 5; i++) await sendTo(fake, 'oc_1', `m${i}`);
    const e = await httpError(sendTo(fake, 'oc_1', 'sixth'));
    expect(e).toMatchObject({ status: 429, code: 99991400 });
    expect(e.headers['x-ogw-ratelimit-limit']).toBe('5');
    expect(e.headers['x-ogw-ratelimit-reset']).toBe('1');
    expect(fake.rateLimited).toBe(1);
    await sendTo(fake, 'oc_2', 'other chat is fine');
    clock.advance(1000);
    await sendTo(fake, 'oc_1', 'next second');
    expect(fake.messages).toHaveLength(7);
    expect(fake.calls.filter((c) => c.fault === 'rate-limit:chat')).toHaveLength(1);
  });

  it('limits a user across p2p sends and patches per message at 5 QPS with 230020', async () => {
    const clock = new ManualClock();
    fake = await makeFake({ clock, enforceLimits: true });
    fake.addUser({ openId: 'ou_p', name: 'P' });
    const client = sdkClient(fake);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await client.im.v1.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: 'ou_p', msg_type: 'interactive', content: JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: `#${i}` }] } }) },
      });
      ids.push(r.data!.message_id!);
    }
    expect(await httpError(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_p2p_ou_p', msg_type: 'text', content: textContent('6') } })))
      .toMatchObject({ status: 429 });
    const card = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'patched' }] } });
    for (let i = 0; i < 5; i++) await client.im.v1.message.patch({ path: { message_id: ids[0]! }, data: { content: card } });
    expect(await httpError(client.im.v1.message.patch({ path: { message_id: ids[0]! }, data: { content: card } }))).toMatchObject({ status: 400, code: 230020 });
    expect((await client.im.v1.message.patch({ path: { message_id: ids[1]! }, data: { content: card } })).code).toBe(0);
  });
});
