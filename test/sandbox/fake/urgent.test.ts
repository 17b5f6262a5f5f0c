/** Why: the fake's urgent_app and read_users answer like Feishu (own messages only, members only, 7 days, 200 unread), through the real SDK. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { httpError, makeFake, receiver, sdkClient, textContent } from './helpers.ts';

let fake: FakeFeishu;
afterEach(async () => fake?.close());

async function setup(clock = new ManualClock()) {
  fake = await makeFake({ clock, tokenTtlSeconds: 366 * 86_400 });
  fake.addUser({ openId: 'ou_a', name: 'A' });
  fake.addUser({ openId: 'ou_b', name: 'B' });
  const client = sdkClient(fake);
  const sent = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_a', msg_type: 'text', content: textContent('今天截止') } });
  return { client, messageId: sent.data!.message_id!, clock };
}

describe('urgent_app', () => {
  it('marks the bot’s message urgent for people in its chat; others come back as invalid', async () => {
    const { client, messageId } = await setup();
    const res = await client.im.v1.message.urgentApp({ path: { message_id: messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: ['ou_a', 'ou_b'] } });
    expect(res.data?.invalid_user_id_list).toEqual(['ou_b']);
    expect(fake.surfaces.urgents.map((u) => [u.messageId, u.openId])).toEqual([[messageId, 'ou_a']]);
    expect((await httpError(client.im.v1.message.urgentApp({ path: { message_id: messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: ['ou_b'] } }))).code).toBe(230001);
  });

  it('refuses a message the bot did not send, an unknown or batch message id, and a person with 200 unread urgent messages', async () => {
    const { client, messageId } = await setup();
    const bot = await receiver();
    fake.setBotEndpoint(bot.url);
    const user = await fake.deliverMessage({ from: 'ou_a', chatType: 'p2p', text: 'hi' });
    await bot.close();
    expect((await httpError(client.im.v1.message.urgentApp({ path: { message_id: user.messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: ['ou_a'] } }))).code).toBe(230012);
    for (const id of ['om_nope', 'bm_batch']) {
      expect((await httpError(client.im.v1.message.urgentApp({ path: { message_id: id }, params: { user_id_type: 'open_id' }, data: { user_id_list: ['ou_a'] } }))).code).toBe(230001);
    }
    for (let i = 0; i < 200; i++) fake.surfaces.urgents.push({ messageId: `om_old${i}`, openId: 'ou_a', at: new Date() });
    expect((await httpError(client.im.v1.message.urgentApp({ path: { message_id: messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: ['ou_a'] } }))).code).toBe(230023);
  });
});

describe('read_users', () => {
  it('lists readers only, paged; only for the bot’s messages of the last 7 days', async () => {
    const { client, messageId, clock } = await setup();
    const read = () => client.im.v1.message.readUsers({ path: { message_id: messageId }, params: { user_id_type: 'open_id', page_size: 1 } });
    expect((await read()).data).toEqual({ items: [], has_more: false });
    expect(fake.markRead({ chatId: 'oc_p2p_ou_a', openId: 'ou_a' })).toBe(1);
    expect(fake.markRead({ messageId, openId: 'ou_a' })).toBe(0);
    fake.markRead({ messageId, openId: 'ou_b' });
    const first = await read();
    expect(first.data?.items?.map((i) => i.user_id)).toEqual(['ou_a']);
    expect(first.data?.items?.[0]?.timestamp).toBe(String(clock.now().getTime()));
    expect(first.data?.has_more).toBe(true);
    const second = await client.im.v1.message.readUsers({ path: { message_id: messageId }, params: { user_id_type: 'open_id', page_size: 1, page_token: first.data!.page_token! } });
    expect(second.data?.items?.map((i) => i.user_id)).toEqual(['ou_b']);
    expect((await httpError(client.im.v1.message.readUsers({ path: { message_id: messageId }, params: { user_id_type: 'open_id', page_size: 101 } }))).code).toBe(230001);
    clock.advance(7 * 86_400_000 + 1);
    expect((await httpError(read())).msg).toContain('7 days');
  });
});
