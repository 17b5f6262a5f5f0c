/** Why: proves the real SDK can talk to the fake exactly as to Feishu: token, send, reply, patch, members, users, files. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { APP, goodCard, httpError, makeFake, receiver, sdkClient, textContent } from './helpers.ts';

let fake: FakeFeishu;
afterEach(async () => {
  await fake?.close();
});

describe('fake Feishu Open API through the real SDK', () => {
  it('issues a tenant token and sends a text message to a user (p2p chat implied)', async () => {
    fake = await makeFake();
    fake.addUser({ openId: 'ou_alice', name: 'Alice' });
    const client = sdkClient(fake);
    const res = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_alice', msg_type: 'text', content: textContent('hi') },
    });
    expect(res.code).toBe(0);
    expect(res.msg).toBe('success');
    expect(res.data?.message_id).toMatch(/^om_[0-9a-f]{32}$/);
    expect(res.data).toMatchObject({
      msg_type: 'text', deleted: false, updated: false, chat_id: 'oc_p2p_ou_alice',
      sender: { id: APP.appId, id_type: 'app_id', sender_type: 'app' }, body: { content: textContent('hi') },
    });
    expect(fake.messagesTo('ou_alice')).toHaveLength(1);
    const tokenCall = fake.calls.find((c) => c.route === 'token')!;
    expect(tokenCall.body).toMatchObject({ app_id: APP.appId, app_secret: '[redacted]' });
    expect((tokenCall.response as { tenant_access_token: string }).tenant_access_token).toBe('[redacted]');
    expect(JSON.stringify(fake.calls)).not.toContain(APP.appSecret);
    expect(JSON.stringify(fake.calls)).not.toMatch(/Bearer|t-[0-9a-f]{40}/);
  });

  it('answers the token endpoint like Feishu, reusing a token with ≥ 30 min left', async () => {
    const clock = new ManualClock();
    fake = await makeFake({ clock });
    const post = (body: unknown) =>
      fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const a = await post({ app_id: APP.appId, app_secret: APP.appSecret });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ code: 0, msg: 'ok', expire: 7200 });
    expect(a.body.tenant_access_token).toMatch(/^t-[0-9a-f]{40}$/);
    clock.advance(60 * 60_000);
    const b = await post({ app_id: APP.appId, app_secret: APP.appSecret });
    expect(b.body.tenant_access_token).toBe(a.body.tenant_access_token);
    expect(b.body.expire).toBe(3600);
    clock.advance(45 * 60_000);
    const c = await post({ app_id: APP.appId, app_secret: APP.appSecret });
    expect(c.body.tenant_access_token).not.toBe(a.body.tenant_access_token);
    expect((await post({ app_id: APP.appId, app_secret: 'wrong' })).body).toMatchObject({ code: 10014 });
    expect((await post({ app_id: 'cli_other', app_secret: APP.appSecret })).body).toMatchObject({ code: 10003 });
    await fake.close();
    fake = await makeFake({ clock, tokenTtlSeconds: 90_000 });
    expect((await post({ app_id: APP.appId, app_secret: APP.appSecret })).body).toMatchObject({ code: 0, expire: 90_000 });
  });

  it('refuses calls without a valid token (99991661 / 99991663) and expired tokens per the clock', async () => {
    const clock = new ManualClock();
    fake = await makeFake({ clock });
    fake.addUser({ openId: 'ou_a', name: 'A' });
    const url = `${fake.url}/open-apis/im/v1/messages?receive_id_type=open_id`;
    const body = JSON.stringify({ receive_id: 'ou_a', msg_type: 'text', content: textContent('x') });
    const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ code: 99991661 });
    const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t-forged' }, body });
    expect(await forged.json()).toMatchObject({ code: 99991663 });
    const client = sdkClient(fake);
    await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_a', msg_type: 'text', content: textContent('1') } });
    clock.advance(2 * 3_600_000 + 1);
    const e = await httpError(
      client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_a', msg_type: 'text', content: textContent('2') } }),
    );
    expect(e).toMatchObject({ status: 400, code: 99991663 });
    expect(fake.messages).toHaveLength(1);
  });

  it('dedupes by uuid within one hour (per clock), returning the same message', async () => {
    const clock = new ManualClock();
    fake = await makeFake({ clock });
    fake.addChat({ chatId: 'oc_g1', name: 'G1', type: 'group', members: ['ou_a', 'ou_b'] });
    const client = sdkClient(fake);
    const send = (text: string) =>
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_g1', msg_type: 'text', content: textContent(text), uuid: 'u-1' } });
    const a = await send('first');
    const b = await send('second');
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(b.data?.body?.content).toBe(textContent('first'));
    expect(fake.messages).toHaveLength(1);
    clock.advance(3_600_000);
    const c = await send('third');
    expect(c.data?.message_id).not.toBe(a.data?.message_id);
    expect(fake.messages).toHaveLength(2);
  });

  it('replies to a delivered user message and patches an interactive card', async () => {
    const clock = new ManualClock();
    fake = await makeFake({ clock });
    const rx = await receiver();
    fake.setBotEndpoint(rx.url);
    const client = sdkClient(fake);
    await fake.deliverMessage({ from: 'ou_u', chatType: 'p2p', text: 'hello', messageId: 'om_user_1' });
    await rx.close();
    const r = await client.im.v1.message.reply({
      path: { message_id: 'om_user_1' },
      data: { msg_type: 'interactive', content: JSON.stringify(goodCard()), uuid: 'r-1' },
    });
    expect(r.code).toBe(0);
    expect(r.data).toMatchObject({ parent_id: 'om_user_1', root_id: 'om_user_1', chat_id: 'oc_p2p_ou_u', msg_type: 'interactive' });
    const id = r.data!.message_id!;
    const card2 = goodCard([{ tag: 'hr' }]);
    const p = await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card2) } });
    expect(p.code).toBe(0);
    expect(fake.message(id)).toMatchObject({ patches: [JSON.stringify(card2)], card: card2, replyTo: 'om_user_1' });
    // Only the bot's own interactive messages, only within 14 days.
    expect(await httpError(client.im.v1.message.patch({ path: { message_id: 'om_user_1' }, data: { content: JSON.stringify(card2) } })))
      .toMatchObject({ status: 400, code: 230027 });
    expect(await httpError(client.im.v1.message.reply({ path: { message_id: 'om_nope' }, data: { msg_type: 'text', content: textContent('x') } })))
      .toMatchObject({ status: 400, code: 230001 });
    clock.advanceDays(14);
    clock.advance(1);
    fake.revokeTokens(); // tokens expire by the clock too; a fresh client fetches a new one
    const e = await httpError(sdkClient(fake).im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card2) } }));
    expect(e).toMatchObject({ status: 400, code: 230031 });
  });

  it('lists chat members with pagination and gets users by open_id', async () => {
    fake = await makeFake();
    const ids = Array.from({ length: 25 }, (_, i) => `ou_m${i}`);
    ids.forEach((id, i) => fake.addUser({ openId: id, name: `成员${i}`, userId: `u${i}` }));
    fake.addChat({ chatId: 'oc_big', name: 'Big', type: 'group', members: ids });
    const client = sdkClient(fake);
    const p1 = await client.im.v1.chatMembers.get({ path: { chat_id: 'oc_big' }, params: { member_id_type: 'open_id', page_size: 20 } });
    expect(p1.data).toMatchObject({ has_more: true, member_total: 25 });
    expect(p1.data?.items).toHaveLength(20);
    expect(p1.data?.items?.[0]).toEqual({ member_id_type: 'open_id', member_id: 'ou_m0', name: '成员0', tenant_key: fake.tenantKey });
    const p2 = await client.im.v1.chatMembers.get({ path: { chat_id: 'oc_big' }, params: { member_id_type: 'user_id', page_size: 20, page_token: p1.data!.page_token! } });
    expect(p2.data?.items?.map((i) => i.member_id)).toEqual(['u20', 'u21', 'u22', 'u23', 'u24']);
    expect(p2.data).toMatchObject({ has_more: false });
    expect(p2.data?.page_token).toBeUndefined();
    expect(await httpError(client.im.v1.chatMembers.get({ path: { chat_id: 'oc_none' } }))).toMatchObject({ code: 232006 });
    const u = await client.contact.v3.user.get({ path: { user_id: 'ou_m3' }, params: { user_id_type: 'open_id' } });
    expect(u.data?.user).toMatchObject({ open_id: 'ou_m3', user_id: 'u3', name: '成员3' });
    expect(u.data?.user?.union_id).toMatch(/^on_/);
    expect(await httpError(client.contact.v3.user.get({ path: { user_id: 'ou_ghost' }, params: { user_id_type: 'open_id' } }))).toMatchObject({ status: 400 });
  });

  it('uploads a file (multipart) and sends it; refuses to send to a chat the bot left', async () => {
    fake = await makeFake();
    fake.addChat({ chatId: 'oc_g', name: 'G', type: 'group', members: ['ou_a'] });
    fake.addChat({ chatId: 'oc_left', name: 'Left', type: 'group', members: ['ou_a'], botMember: false });
    const client = sdkClient(fake);
    const up = await client.im.v1.file.create({ data: { file_type: 'xls', file_name: '名单.xlsx', file: Buffer.alloc(2048, 7) } });
    expect(up?.file_key).toMatch(/^file_v3_/);
    const call = fake.calls.find((c) => c.route === 'files')!;
    expect(call.body).toMatchObject({ fields: { file_type: 'xls', file_name: '名单.xlsx' }, files: { file: { size: 2048 } } });
    const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_g', msg_type: 'file', content: JSON.stringify({ file_key: up!.file_key }) } });
    expect(sent.code).toBe(0);
    expect(await httpError(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_left', msg_type: 'text', content: textContent('x') } })))
      .toMatchObject({ code: 230002 });
    const unknown = await fetch(`${fake.url}/open-apis/nope/v1/x`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 404 });
  });

  it('waitFor resolves with the predicate value, and fails listing what it saw', async () => {
    fake = await makeFake();
    fake.addUser({ openId: 'ou_w', name: 'W' });
    const client = sdkClient(fake);
    setTimeout(() => {
      void client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_w', msg_type: 'text', content: textContent('late hello') } });
    }, 50);
    const m = await fake.waitFor((ms) => ms.find((x) => x.content.includes('late hello')), { timeoutMs: 3000 });
    expect(m.receive_id).toBe('ou_w');
    await expect(fake.waitFor((ms) => ms.length > 5, { timeoutMs: 100, what: 'six messages' })).rejects.toThrow(/six messages.*\n.*Bot messages seen \(1\)[\s\S]*late hello/);
  });
});
