/**
 * End-to-end: a card click acknowledged but not finished before a crash is resumed at the next start (finding 1).
 * Its inline answer can no longer reach the person, so the clicked card is patched to its new state and the answer
 * arrives as a private message; both once, however often the bot restarts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, CREDS, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { regionsAndGroups, SEC } from '../helpers/setup.ts';

let h: Harness;
afterEach(async () => h?.close());

/** The payload Feishu sends for a click, stored as the webhook stores it before it answers (status 'received'). */
async function storeClick(eventId: string, value: Record<string, unknown>, card: { message_id: string; chat_id: string }) {
  const payload = {
    schema: '2.0',
    header: { event_id: eventId, event_type: 'card.action.trigger', token: CREDS.verificationToken, app_id: CREDS.appId, create_time: String(h.clock.now().getTime() * 1000) },
    event: { operator: { open_id: SEC }, action: { value, tag: 'button' }, context: { open_message_id: card.message_id, open_chat_id: card.chat_id } },
  };
  await h.prisma.processedEvent.create({ data: { eventId, eventType: 'card.action.trigger', chatId: card.chat_id, payload: JSON.stringify(payload), receivedAt: h.clock.now() } });
}

describe('intake.recover', () => {
  it('resumes an unfinished 确认开启 after a restart: the campaign opens, every group is told once, the card and the clicker hear of it', async () => {
    h = await createHarness({ secretariat: [SEC] });
    await regionsAndGroups(h);
    const [confirm] = await say(h, SEC, '/campaign open 2026年度评选 --apply-by 2026-05-31');
    const id = (await h.prisma.campaign.findFirstOrThrow()).id;
    await h.app.stop();
    await storeClick('ev_click_lost', { a: 'campaign.confirm', op: 'open', id }, confirm!);

    await h.restart();
    await h.app.settle();
    expect((await h.prisma.campaign.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    for (const g of ['oc_bj', 'oc_sh']) expect(h.fake.messagesTo(g).filter((m) => textOf(m).includes('开始申报'))).toHaveLength(1);
    expect(textOf(h.fake.message(confirm!.message_id))).toContain('评选已开启');
    const note = h.fake.messagesTo(SEC).filter((m) => textOf(m).includes('重启后已继续处理'));
    expect(note).toHaveLength(1);
    expect(textOf(note[0])).toContain('已开启，并向 2 个地区群发布公告');
    expect((await h.prisma.processedEvent.findUniqueOrThrow({ where: { eventId: 'ev_click_lost' } })).status).toBe('done');

    // Another restart finds nothing left to do.
    const sent = h.fake.messages.length;
    await h.restart();
    await h.app.settle();
    expect(h.fake.messages).toHaveLength(sent);
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.open' } })).toBe(1);
  });

  it('a click that had already taken effect before the crash is answered truthfully and sends nothing twice', async () => {
    h = await createHarness({ secretariat: [SEC] });
    await regionsAndGroups(h);
    const [confirm] = await say(h, SEC, '/campaign open 2026年度评选 --apply-by 2026-05-31');
    const id = (await h.prisma.campaign.findFirstOrThrow()).id;
    const r = await h.fake.deliverCardAction({ operator: SEC, value: { a: 'campaign.confirm', op: 'open', id }, messageId: confirm!.message_id, eventId: 'ev_done_then_crash' });
    expect(r.status).toBe(200);
    await h.app.settle();
    // The crash came after the transaction committed but before the event was marked done.
    await h.app.stop();
    await h.prisma.processedEvent.update({ where: { eventId: 'ev_done_then_crash' }, data: { status: 'received', finishedAt: null } });
    const before = h.fake.messages.length;
    await h.restart();
    await h.app.settle();
    for (const g of ['oc_bj', 'oc_sh']) expect(h.fake.messagesTo(g).filter((m) => textOf(m).includes('开始申报'))).toHaveLength(1);
    const note = h.fake.messages.slice(before).filter((m) => m.msg_type === 'text');
    expect(note).toHaveLength(1);
    expect(textOf(note[0])).toContain('此操作已完成（当前状态：申报中），未重复执行');
  });
});
