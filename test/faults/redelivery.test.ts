/** Why: Feishu delivers at least once and may resend any event later, mixed in with others; each event must still have one effect. */
// Every event is captured as the fake signs and encrypts it, then the identical bytes are posted 2–6 times (the
// original and up to 5 redeliveries), shuffled with every other event's copies and four at a time. Seeded, so the
// schedule is the same on every run; the ManualClock keeps the signatures' timestamps fresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogLines, createHarness, CREDS, type Harness } from '../helpers/harness.ts';
import { linesWithSecrets, replay, seeded, startCapture, type Captured } from './helpers.ts';

const SEC = 'ou_redeliver_sec';
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ secretariat: [SEC] });
});
afterAll(async () => {
  await h?.close();
});

/** Sends through the fake normally and waits until the bot has answered (setup steps). */
async function say(text: string, o: { chatId?: string } = {}): Promise<string> {
  const before = h.fake.messages.length;
  const d = await h.fake.deliverMessage({ from: SEC, chatType: o.chatId ? 'group' : 'p2p', chatId: o.chatId, text, mentionBot: !!o.chatId });
  await h.app.settle();
  await h.fake.waitFor((ms) => ms.length > before, { what: `an answer to ${text}` });
  return d.messageId;
}

describe('redelivery, interleaved', () => {
  it('each event, delivered 2–6 times among the others, has exactly one effect', async () => {
    const rng = seeded(8_2026);
    for (const g of ['oc_redeliver_bj', 'oc_redeliver_sh']) h.fake.addChat({ chatId: g, name: g, type: 'group', members: [SEC] });
    await say('/region add 北京');
    await say('/region add 上海');
    await say('/chat bind 北京', { chatId: 'oc_redeliver_bj' });
    await say('/chat bind 上海', { chatId: 'oc_redeliver_sh' });
    await say('/campaign open 重投测试评选');
    const confirm = [...h.fake.messages].reverse().find((m) => m.msg_type === 'interactive' && JSON.stringify(m.card).includes('"campaign.confirm"'));
    expect(confirm, 'the campaign confirmation card').toBeDefined();
    const campaignId = Number(/"a":"campaign\.confirm","op":"open","id":(\d+)/.exec(JSON.stringify(confirm!.card))?.[1]);
    expect(campaignId).toBeGreaterThan(0);

    // Capture the events as Feishu would send them.
    const cap = await startCapture();
    h.fake.setBotEndpoint(cap.url);
    const asks: Array<{ messageId: string; kind: string }> = [];
    for (let i = 0; i < 24; i++) {
      const group = i % 3 === 0;
      const d = await h.fake.deliverMessage({
        from: `ou_redeliver_${i}`, chatType: group ? 'group' : 'p2p', chatId: group ? 'oc_redeliver_bj' : undefined, mentionBot: group, text: rng.pick(['帮助', 'help', '你好', '/campaign list']),
      });
      asks.push({ messageId: d.messageId, kind: 'text' });
    }
    for (const name of ['广州', '深圳', '杭州']) asks.push({ messageId: (await h.fake.deliverMessage({ from: SEC, chatType: 'p2p', text: `/region add ${name}` })).messageId, kind: 'region' });
    // Not idempotent by itself (each run upserts and audits): only the event_id dedupe keeps it to one effect.
    for (const q of ['北京 百佳=3', '上海 千佳=4']) asks.push({ messageId: (await h.fake.deliverMessage({ from: SEC, chatType: 'p2p', text: `/quota set ${q}` })).messageId, kind: 'quota' });
    await h.fake.deliverCardAction({ operator: SEC, value: { a: 'campaign.confirm', op: 'open', id: campaignId }, messageId: confirm!.message_id });
    h.fake.setBotEndpoint(`${h.botUrl}/lark/events`);
    await cap.close();
    expect(cap.taken).toHaveLength(asks.length + 1);

    const eventsBefore = await h.prisma.processedEvent.count();
    const schedule: Captured[] = [];
    for (const c of cap.taken) for (let k = rng.int(2, 6); k > 0; k--) schedule.push(c);
    rng.shuffle(schedule);
    const statuses: number[] = [];
    for (let i = 0; i < schedule.length; i += 4) {
      const batch = await Promise.all(schedule.slice(i, i + 4).map((c) => replay(h.botUrl, c)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.every((s) => s === 200), `every delivery acknowledged: ${statuses.join(',')}`).toBe(true);
    await h.app.settle();

    for (const a of asks) expect(h.fake.messages.filter((m) => m.replyTo === a.messageId), `replies to ${a.kind} ${a.messageId}`).toHaveLength(1);
    for (const name of ['广州', '深圳', '杭州']) {
      expect(await h.prisma.region.count({ where: { name } })).toBe(1);
      const region = await h.prisma.region.findUniqueOrThrow({ where: { name } });
      expect(await h.prisma.auditLog.count({ where: { action: 'region.add', target: `region:${region.id}` } })).toBe(1);
    }
    expect(await h.prisma.auditLog.count({ where: { action: 'quota.set' } })).toBe(2);
    expect((await h.prisma.quota.findMany({ where: { campaignId }, select: { tier: true, quota: true }, orderBy: { tier: 'asc' } }))).toEqual([{ tier: 'bai', quota: 3 }, { tier: 'qian', quota: 4 }]);
    expect((await h.app.deps.services.campaigns.get(campaignId))?.status).toBe('OPEN');
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.open', target: `campaign:${campaignId}` } })).toBe(1);
    for (const g of ['oc_redeliver_bj', 'oc_redeliver_sh']) {
      const announcements = h.fake.messagesTo(g).filter((m) => m.replyTo === undefined && m.msg_type === 'interactive');
      expect(announcements, `announcements in ${g}`).toHaveLength(1);
    }
    expect(await h.prisma.processedEvent.count()).toBe(eventsBefore + cap.taken.length);
    expect(await h.prisma.outboxMessage.count({ where: { status: { not: 'sent' } } })).toBe(0);
  }, 90_000);

  it('logged no app secret, encrypt key or tenant token (runs last)', () => {
    expect(linesWithSecrets(capturedLogLines, [CREDS.appSecret, CREDS.encryptKey, CREDS.verificationToken])).toEqual([]);
  });
});
