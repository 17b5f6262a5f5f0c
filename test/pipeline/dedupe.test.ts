/** The intake's dedupe step: Feishu may redeliver one message under a new event_id; it is handled once, durably. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('dedupe on message_id', () => {
  it('answers once when the same message comes under three event_ids', async () => {
    h = await createHarness();
    const first = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    for (const eventId of ['e-redelivered-1', 'e-redelivered-2']) {
      const again = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助', messageId: first.messageId, eventId });
      expect(again.responses[0]!.status).toBe(200);
    }
    await h.app.settle();
    expect(h.fake.messages.filter((m) => m.replyTo === first.messageId)).toHaveLength(1);
    const rows = await h.prisma.processedEvent.findMany();
    expect(rows.map((r) => [r.eventId, r.messageId])).toEqual([[first.eventId, first.messageId]]);
  });

  it('remembers the message_id across a restart (the key is in the database, not in memory)', async () => {
    h = await createHarness();
    const first = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    await h.app.settle();
    await h.restart();
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助', messageId: first.messageId, eventId: 'e-after-restart' });
    await h.app.settle();
    expect(h.fake.messages.filter((m) => m.replyTo === first.messageId)).toHaveLength(1);
    expect(await h.prisma.processedEvent.count()).toBe(1);
  });

  it('still answers two different messages with the same text', async () => {
    h = await createHarness();
    const a = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    const b = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    await h.app.settle();
    expect(h.fake.messages.filter((m) => m.replyTo === a.messageId || m.replyTo === b.messageId)).toHaveLength(2);
  });
});
