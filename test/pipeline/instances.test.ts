/**
 * Why: with two instances behind a load balancer, Feishu's deliveries of one chat land on either. On PostgreSQL the
 * shared intake keeps each event to one run (dedupe in the database) and one chat's events in arrival order, one at a
 * time, across both instances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { freshPgUrl } from '../helpers/db.ts';
import type { InboundMessage } from '../../src/pipeline/events.ts';

let hs: Harness[] = [];
afterEach(async () => {
  for (const h of hs.reverse()) await h.close();
  hs = [];
});

/** Two bots on one PostgreSQL schema and one fake; `via(i)` points the fake's deliveries at bot i. */
async function twoInstances() {
  const first = await createHarness({ dbUrl: freshPgUrl() });
  hs.push(first);
  const second = await createHarness({ dbUrl: first.dbUrl, fake: first.fake });
  hs.push(second);
  const via = (i: 0 | 1) => first.fake.setBotEndpoint(`${(i ? second : first).botUrl}/lark/events`);
  // Every handler run, in order, with a little work inside so that runs on the two instances would overlap if allowed.
  const runs: Array<{ at: 0 | 1; text: string; phase: 'start' | 'end' }> = [];
  for (const [i, h] of [first, second].entries()) {
    const handle = h.app.router.handleMessage.bind(h.app.router);
    h.app.router.handleMessage = async (m: InboundMessage) => {
      runs.push({ at: i as 0 | 1, text: m.text, phase: 'start' });
      await new Promise((r) => setTimeout(r, 40));
      await handle(m);
      runs.push({ at: i as 0 | 1, text: m.text, phase: 'end' });
    };
  }
  return { first, second, via, runs };
}

const settled = async (...h: Harness[]) => {
  for (let i = 0; i < 3; i++) for (const x of h) await x.app.settle();
};

describe('two instances on one PostgreSQL', () => {
  it('an event delivered to both instances (and redelivered) is handled once', async () => {
    const { first, second, via, runs } = await twoInstances();
    via(0);
    const d = await first.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助', eventId: 'ev_both', messageId: 'om_both', redeliver: 1 });
    via(1);
    await first.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助', eventId: 'ev_both', messageId: 'om_both' });
    await first.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助', eventId: 'ev_both_again', messageId: 'om_both' }); // same message, new event_id
    expect(d.responses.every((r) => r.status === 200)).toBe(true);
    await settled(first, second);
    expect(runs.filter((r) => r.phase === 'start')).toHaveLength(1);
    expect(first.fake.messagesTo('ou_alice').length).toBe(1);
  });

  it('a message written on the standby is sent by the primary, and the standby learns it was delivered', async () => {
    const { first, second } = await twoInstances();
    expect([first.app.isPrimary(), second.app.isPrimary()]).toEqual([true, false]);
    first.fake.addUser({ openId: 'ou_carol', name: '卡罗' });
    const row = await second.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_carol', msgType: 'text', content: { text: '你好' }, dedupeKey: 'standby:1' });
    const messageId = await second.app.sender.delivered(row.id);
    expect(messageId).toMatch(/^om_/);
    expect(first.fake.messagesTo('ou_carol').map((m) => m.message_id)).toEqual([messageId]);
  });

  it('one chat’s messages alternating between instances run one at a time, in arrival order', async () => {
    const { first, second, via, runs } = await twoInstances();
    const texts = Array.from({ length: 8 }, (_, i) => `帮助 ${i}`);
    for (const [i, text] of texts.entries()) {
      via((i % 2) as 0 | 1);
      const d = await first.fake.deliverMessage({ from: 'ou_bob', chatType: 'p2p', text, eventId: `ev_order_${i}`, messageId: `om_order_${i}` });
      expect(d.responses[0]!.status).toBe(200);
    }
    await settled(first, second);
    for (let n = 0; n < 200 && runs.length < texts.length * 2; n++) await new Promise((r) => setTimeout(r, 25));
    // start, end, start, end… in the order the messages arrived, whichever instance ran each.
    expect(runs.map((r) => `${r.phase} ${r.text}`)).toEqual(texts.flatMap((t) => [`start ${t}`, `end ${t}`]));
    expect(new Set(runs.map((r) => r.at)).size).toBeGreaterThanOrEqual(1);
    expect(await first.prisma.processedEvent.count({ where: { status: 'done' } })).toBe(texts.length);
  });
});
