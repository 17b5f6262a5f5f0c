/** Retention on the ManualClock: events pruned 8 h after Feishu's last redelivery, finished outbox rows after OUTBOX_RETENTION_DAYS, the audit log kept; no stored event keeps the verification token. */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, CREDS, type Harness } from '../helpers/harness.ts';
import { EVENT_RETENTION_MS, LAST_REDELIVERY_MS, storedPayload } from '../../src/store/retention.ts';
import { envelopeFromFlattened } from '../../src/receive/ws.ts';
import { runSteps } from '../../src/pipeline/intake.ts';
import { audit } from '../../src/store/audit.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('storedPayload', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['schema 2.0: header.token', { schema: '2.0', header: { event_id: 'e1', token: 'vt' }, event: { a: 1 } }, { schema: '2.0', header: { event_id: 'e1' }, event: { a: 1 } }],
    ['schema 1.0: top-level token', { uuid: 'u', token: 'vt', event: { type: 'message' } }, { uuid: 'u', event: { type: 'message' } }],
    ['the token value anywhere else', { header: { event_id: 'e2' }, event: { note: 'vt', deep: [{ x: 'vt' }] } }, { header: { event_id: 'e2' }, event: { deep: [{}] } }],
    ['a card callback keeps its short-lived update token', { header: { token: 'vt' }, event: { token: 'c-update', action: { value: { a: 'x' } } } }, { header: {}, event: { token: 'c-update', action: { value: { a: 'x' } } } }],
  ];
  it.each(cases)('%s', (_name, raw, stored) => {
    expect(JSON.parse(storedPayload(raw, 'vt'))).toEqual(stored);
  });

  it('drops header.token even when the token is unknown (not configured)', () => {
    expect(JSON.parse(storedPayload({ header: { token: 'x', event_id: 'e' } }))).toEqual({ header: { event_id: 'e' } });
  });
});

describe('no stored event keeps the verification token', () => {
  it('webhook and WS events are stored without it, and still work after a restart', async () => {
    h = await createHarness({ start: false });
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    const ws = envelopeFromFlattened('im.message.receive_v1', {
      event_id: 'ev_ws_1', token: CREDS.verificationToken, app_id: CREDS.appId, tenant_key: 't', create_time: '1',
      sender: { sender_id: { open_id: 'ou_bob' }, sender_type: 'user' },
      message: { message_id: 'om_ws_1', chat_id: 'oc_ws_1', chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text: '帮助' }), mentions: [] },
    });
    expect((await runSteps(h.app.intake.steps, { source: 'ws', envelope: ws })).status).toBe(200);
    const rows = await h.prisma.processedEvent.findMany();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.payload).not.toContain(CREDS.verificationToken);
      expect(JSON.parse(r.payload).header.event_id).toBe(r.eventId);
    }
    // Not started: both wait as 'received'; a restart works on them from the stored payload alone.
    await h.restart();
    await h.app.settle();
    expect((await h.prisma.processedEvent.findMany()).map((r) => r.status)).toEqual(['done', 'done']);
    expect(h.fake.messagesTo('ou_alice')).toHaveLength(1);
  });
});

describe('pruning on the housekeeping tick', () => {
  it('keeps an event through Feishu’s redelivery window plus 8 h, so a late redelivery is still a duplicate; then prunes it', async () => {
    expect(LAST_REDELIVERY_MS).toBe(7 * HOUR + 5 * 60_000 + 15_000);
    expect(EVENT_RETENTION_MS).toBe(LAST_REDELIVERY_MS + 8 * HOUR);
    h = await createHarness();
    const t0 = h.clock.now().getTime();
    const first = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    await h.app.settle();
    h.clock.set(t0 + LAST_REDELIVERY_MS);
    await h.app.scheduler.tick();
    // Feishu's last redelivery: recognised, not answered again.
    await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助', eventId: first.eventId, messageId: first.messageId });
    await h.app.settle();
    expect(h.fake.messagesTo('ou_alice')).toHaveLength(1);

    h.clock.set(t0 + EVENT_RETENTION_MS - 1);
    await h.app.scheduler.tick();
    expect(await h.prisma.processedEvent.count()).toBe(1);
    h.clock.set(t0 + EVENT_RETENTION_MS + 1);
    await h.app.scheduler.tick();
    expect(await h.prisma.processedEvent.count()).toBe(0);
  });

  it('prunes done, failed and skipped events past retention, never one still to be worked on', async () => {
    h = await createHarness();
    const now = h.clock.now().getTime();
    const at = (ms: number) => new Date(now - ms);
    const row = (eventId: string, status: string, receivedAt: Date) => ({ eventId, eventType: 'im.message.receive_v1', payload: '{}', status, receivedAt });
    await h.prisma.processedEvent.createMany({
      data: [
        row('old_done', 'done', at(EVENT_RETENTION_MS + 1)),
        row('old_failed', 'failed', at(EVENT_RETENTION_MS + HOUR)),
        row('old_skipped', 'skipped', at(2 * DAY)),
        row('old_received', 'received', at(2 * DAY)),
        row('young_done', 'done', at(EVENT_RETENTION_MS - 1000)),
      ],
    });
    expect(await h.app.retention.prune()).toMatchObject({ events: 3 });
    expect((await h.prisma.processedEvent.findMany({ orderBy: { eventId: 'asc' } })).map((r) => r.eventId)).toEqual(['old_received', 'young_done']);
  });

  it('prunes sent and failed outbox rows after OUTBOX_RETENTION_DAYS, keeps pending ones and cards still to be updated, and keeps the audit log', async () => {
    h = await createHarness({ env: { OUTBOX_RETENTION_DAYS: '20' }, start: false });
    const send = (key: string) => h!.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_alice', msgType: 'text', content: { text: key }, dedupeKey: key });
    const ids: Record<string, number> = {};
    for (const k of ['sent_old', 'failed_old', 'pending_old', 'card_old', 'patched_old', 'sent_young']) ids[k] = (await send(k)).id;
    await h.prisma.outboxMessage.updateMany({ where: { id: { in: [ids.sent_old!, ids.card_old!, ids.patched_old!, ids.sent_young!] } }, data: { status: 'sent', messageId: 'om_x' } });
    await h.prisma.outboxMessage.update({ where: { id: ids.failed_old! }, data: { status: 'failed' } });
    await h.prisma.application.create({ data: { campaignId: 1, unitId: 1, tier: 'qian', managerOpenId: 'ou_alice', progressOutboxId: ids.card_old! } });
    await audit(h.prisma, { actorId: 'ou_sec', action: 'test.kept', target: 'x', before: null, after: null, at: h.clock.now() });
    h.clock.advance(20 * DAY + 1);
    // A patch of an old card, written now (not sent yet: the bot is not started), still needs its target row.
    await h.app.sender.enqueue({ op: 'patch', outboxId: ids.patched_old!, msgType: 'interactive', content: { schema: '2.0', body: { elements: [] } }, dedupeKey: 'patch_now' });
    await h.prisma.outboxMessage.update({ where: { id: ids.sent_young! }, data: { createdAt: new Date(h.clock.now().getTime() - 19 * DAY) } });

    await h.app.scheduler.tick();
    const left = (await h.prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } })).map((r) => r.dedupeKey);
    expect(left).toEqual(['pending_old', 'card_old', 'patched_old', 'sent_young', 'patch_now']);
    expect(await h.prisma.auditLog.count({ where: { action: 'test.kept' } })).toBe(1);
    expect(await h.app.retention.prune()).toEqual({ events: 0, outbox: 0, kept: 2 });
  });

  it('refuses a retention shorter than card updates and reminders need', async () => {
    await expect(createHarness({ env: { OUTBOX_RETENTION_DAYS: '7' } })).rejects.toThrow(/OUTBOX_RETENTION_DAYS: expected a number of days from 15 to 3650, got "7"/);
  });
});
