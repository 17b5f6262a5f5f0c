/** End-to-end: the outbox sends every message once, through 429s, 5xx, lost answers and restarts. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('outbox', () => {
  it('a 429 followed by success delivers the message once, after the reset', async () => {
    h = await createHarness();
    h.fake.inject({ kind: 'http429', resetSeconds: 2, match: { route: 'reply' } });
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: 'help' });
    await h.fake.waitFor((ms) => ms.length === 1);
    await h.app.settle();
    expect(h.fake.messages).toHaveLength(1);
    const replies = h.fake.calls.filter((c) => c.route === 'reply');
    expect(replies.map((c) => c.status)).toEqual([429, 200]);
    expect(h.app.sender.stats.rateLimited).toBe(1);
    const row = await h.prisma.outboxMessage.findFirstOrThrow();
    expect(row.status).toBe('sent');
  });

  it('230020 and 5xx are retried; a lost answer is healed by the uuid', async () => {
    h = await createHarness();
    h.fake.inject({ kind: 'code230020', match: { route: 'reply' } });
    h.fake.inject({ kind: 'http5xx', status: 503, match: { route: 'reply' } });
    h.fake.inject({ kind: 'reset', afterCommit: true, match: { route: 'reply' } });
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: 'help' });
    await h.app.settle();
    expect(h.fake.messages).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.route === 'reply')).toHaveLength(4);
    expect((await h.prisma.outboxMessage.findFirstOrThrow()).status).toBe('sent');
  });

  it('code != 0 on HTTP 200 is a permanent failure with its reason recorded', async () => {
    h = await createHarness();
    h.fake.inject({ kind: 'code', code: 230002, msg: 'bot is not in the chat', match: { route: 'reply' } });
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: 'help' });
    await h.app.settle();
    const row = await h.prisma.outboxMessage.findFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('230002');
    expect(h.fake.messages).toHaveLength(0);
  });

  it('a restart with a pending outbox row delivers it once', async () => {
    h = await createHarness({ start: false });
    h.fake.addUser({ openId: 'ou_bob', name: '鲍勃' });
    // Written but never sent (the bot was not started): as if it crashed right after writing the row.
    await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_bob', msgType: 'text', content: { text: '待发送' }, dedupeKey: 'restart-test' });
    expect(h.fake.messages).toHaveLength(0);
    await h.restart();
    await h.app.settle();
    expect(h.fake.messagesTo('ou_bob')).toHaveLength(1);
    await h.restart();
    await h.app.settle();
    expect(h.fake.messagesTo('ou_bob')).toHaveLength(1);
  });

  it('a row left "sending" by a crash is resent with the same uuid, so Feishu shows it once', async () => {
    h = await createHarness();
    h.fake.addUser({ openId: 'ou_bob', name: '鲍勃' });
    await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_bob', msgType: 'text', content: { text: 'x' }, dedupeKey: 'crash-test' });
    await h.app.settle();
    await h.prisma.outboxMessage.updateMany({ data: { status: 'sending' } });
    await h.restart();
    await h.app.settle();
    expect(h.fake.messagesTo('ou_bob')).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.route === 'send')).toHaveLength(2);
  });

  it('enqueueing the same logical message twice sends it once', async () => {
    h = await createHarness();
    h.fake.addChat({ chatId: 'oc_g', name: '北京地区群', type: 'group', members: [] });
    const a = await h.app.sender.enqueue({ op: 'create', receiveIdType: 'chat_id', receiveId: 'oc_g', msgType: 'text', content: { text: 'x' }, dedupeKey: 'k1' });
    const b = await h.app.sender.enqueue({ op: 'create', receiveIdType: 'chat_id', receiveId: 'oc_g', msgType: 'text', content: { text: 'x' }, dedupeKey: 'k1' });
    expect(b).toEqual({ ...a, duplicate: true });
    await h.app.settle();
    expect(h.fake.messagesTo('oc_g')).toHaveLength(1);
  });

  it('an event acknowledged before a crash is worked on at the next start', async () => {
    h = await createHarness();
    await h.app.stop();
    // The row is what the webhook stores before it acknowledges; no handler ran.
    await h.prisma.processedEvent.create({
      data: {
        eventId: 'ev_crash',
        eventType: 'im.message.receive_v1',
        chatId: 'oc_p2p_x',
        payload: JSON.stringify({ schema: '2.0', header: { event_id: 'ev_crash', event_type: 'im.message.receive_v1' }, event: { sender: { sender_id: { open_id: 'ou_carol' }, sender_type: 'user' }, message: { message_id: 'om_lost', chat_id: 'oc_p2p_x', chat_type: 'p2p', message_type: 'text', content: '{"text":"help"}' } } }),
      },
    });
    await h.restart();
    await h.app.settle();
    expect(h.fake.calls.filter((c) => c.route === 'reply' && c.path.includes('om_lost'))).toHaveLength(1);
    expect((await h.prisma.processedEvent.findUniqueOrThrow({ where: { eventId: 'ev_crash' } })).status).toBe('done');
  });
});
