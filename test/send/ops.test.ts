/** Cards that outlive Feishu's 14-day patch window: past 13 days, or when Feishu says 230031, a fresh card is sent and followed. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, CREDS, type Harness } from '../helpers/harness.ts';
import { createFakeFeishu } from '../../src/sandbox/fake/index.ts';
import { Sender } from '../../src/send/sender.ts';
import { FEISHU_LIMITS, RateLimiter, virtualPace } from '../../src/send/limiter.ts';
import { say, textOf } from '../helpers/chat.ts';
import { branchManagers, openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  h.fake.addUser({ openId: 'ou_m', name: '朝阳支行张行长' });
});
afterEach(async () => h.close());

const card = (n: number) => ({
  schema: '2.0', config: { update_multi: true }, header: { title: { tag: 'plain_text', content: `进度 ${n}` } }, body: { elements: [{ tag: 'markdown', content: `第 ${n} 版` }] },
});

async function sendCard(): Promise<number> {
  const { id } = await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_m', msgType: 'interactive', content: card(1), dedupeKey: 't:card' });
  await h.app.settle();
  return id;
}

async function patchCard(target: { outboxId: number } | { messageId: string }, n: number): Promise<number> {
  const { id } = await h.app.sender.enqueue({ op: 'patch', ...target, msgType: 'interactive', content: card(n), dedupeKey: `t:patch:${n}` });
  await h.app.settle();
  return id;
}

describe('patching a card through the outbox', () => {
  it('patches a young card in place', async () => {
    const id = await sendCard();
    h.clock.advanceDays(12);
    await patchCard({ outboxId: id }, 2);
    const [only] = h.fake.messagesTo('ou_m');
    expect(h.fake.messagesTo('ou_m')).toHaveLength(1);
    expect(h.fake.message(only!.message_id)!.patches).toEqual([JSON.stringify(card(2))]);
  });

  it('sends a card older than 13 days afresh, remembers the new message, and patches that one from then on', async () => {
    const id = await sendCard();
    const [old] = h.fake.messagesTo('ou_m');
    h.clock.advanceDays(13);
    const p2 = await patchCard({ outboxId: id }, 2);
    const msgs = h.fake.messagesTo('ou_m');
    expect(msgs).toHaveLength(2);
    expect(textOf(msgs[1])).toContain('第 2 版');
    expect(h.fake.message(old!.message_id)!.patches).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.route === 'patch')).toHaveLength(0); // no doomed patch was tried
    const row = await h.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(row.messageId).toBe(msgs[1]!.message_id);
    expect(row.sentAt!.toISOString()).toBe(h.clock.now().toISOString());
    expect(await h.prisma.outboxMessage.findUniqueOrThrow({ where: { id: p2 } })).toMatchObject({ status: 'sent', messageId: msgs[1]!.message_id });
    h.clock.advanceDays(1);
    await patchCard({ outboxId: id }, 3);
    expect(h.fake.messagesTo('ou_m')).toHaveLength(2);
    expect(h.fake.message(msgs[1]!.message_id)!.patches).toEqual([JSON.stringify(card(3))]);
  });

  it('sends afresh when Feishu refuses the patch for age (230031), even if our record says the card is young', async () => {
    const id = await sendCard();
    h.fake.inject({ kind: 'code', status: 400, code: 230031, msg: 'Message has expired when updating message, ext=Message can only be updated within fourteen days.', match: { route: 'patch' } });
    await patchCard({ outboxId: id }, 2);
    const msgs = h.fake.messagesTo('ou_m');
    expect(msgs).toHaveLength(2);
    expect(textOf(msgs[1])).toContain('第 2 版');
    expect((await h.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })).messageId).toBe(msgs[1]!.message_id);
  });

  it('records a permanent failure, with Feishu\'s code, for an expired card it cannot place', async () => {
    const id = await sendCard();
    const foreign = h.fake.messagesTo('ou_m')[0]!.message_id;
    // A patch by message id still finds where the card went; forget that, as for a card another process sent.
    await h.prisma.outboxMessage.update({ where: { id }, data: { messageId: 'om_elsewhere' } });
    h.clock.advanceDays(15);
    const p = await patchCard({ messageId: foreign }, 2);
    expect(await h.prisma.outboxMessage.findUniqueOrThrow({ where: { id: p } })).toMatchObject({ status: 'failed', lastError: expect.stringContaining('230031') });
    expect(h.fake.messagesTo('ou_m')).toHaveLength(1);
  });
});

describe('an application\'s progress card over a two-year cycle', () => {
  it('is re-sent when a change comes 13 days after it was drawn, and the new one is patched in place after that', async () => {
    // A dialog that stays open for a month (SESSION_IDLE_MINUTES), so the list is worked on by text across the days.
    await h.close();
    h = await createHarness({ secretariat: [SEC], env: { SESSION_IDLE_MINUTES: String(60 * 24 * 30) } });
    const MGR = 'ou_manager1';
    h.fake.addUser({ openId: MGR, name: '朝阳支行张行长' });
    await regionsAndGroups(h);
    await openCampaign(h, '2026年度评选', '2026-05-31');
    await branchManagers(h, [MGR]); // applicants are tied to their bank (issue 11)
    for (const t of ['申报', '1', '是', '是', '2', '2023年5月1日', '开始申报', '示范银行北京分行朝阳支行', '示范银行', '北京', '千佳']) await say(h, MGR, t);
    const app = await h.prisma.application.findFirstOrThrow();
    const cardRow = await h.prisma.outboxMessage.findUniqueOrThrow({ where: { id: app.progressOutboxId! } });
    const before = h.fake.messagesTo(MGR).length;
    h.clock.advanceDays(12);
    expect(await say(h, MGR, '完成 1')).toHaveLength(0);
    expect(h.fake.message(cardRow.messageId!)!.patches).toHaveLength(1);
    h.clock.advanceDays(1);
    expect(await say(h, MGR, '撤销 1')).toHaveLength(1);
    const fresh = h.fake.messagesTo(MGR).at(-1)!;
    expect(h.fake.messagesTo(MGR)).toHaveLength(before + 1);
    expect(textOf(fresh)).toContain('申报材料清单');
    expect(fresh.message_id).not.toBe(cardRow.messageId);
    expect((await h.prisma.outboxMessage.findUniqueOrThrow({ where: { id: app.progressOutboxId! } })).messageId).toBe(fresh.message_id);
    expect((await h.prisma.application.findFirstOrThrow()).progressOutboxId).toBe(app.progressOutboxId);
    await say(h, MGR, '完成 2');
    expect(h.fake.messagesTo(MGR)).toHaveLength(before + 1);
    expect(h.fake.message(fresh.message_id)!.patches).toHaveLength(1);
  });
});

describe('patches of one card, against Feishu\'s 5 QPS per message', () => {
  it('go out one at a time, in order, within the limit: none is refused with 230020', async () => {
    // The fake's clock is the sender's virtual pace, so its per-message window sees the pacing the sender does.
    const pace = virtualPace();
    const start = Date.parse('2026-03-02T02:00:00Z');
    const paceClock = { now: () => new Date(start + pace.now()) };
    const fake = await createFakeFeishu({ appId: CREDS.appId, appSecret: CREDS.appSecret, encryptKey: CREDS.encryptKey, verificationToken: CREDS.verificationToken, clock: paceClock, enforceLimits: true });
    await h.close();
    h = await createHarness({ fake });
    await h.app.sender.stop();
    const sender = new Sender({ prisma: h.prisma, fast: h.app.deps.fast, lark: h.app.deps.lark, logger: h.logger, clock: h.clock, pace, limiter: new RateLimiter(FEISHU_LIMITS) });
    sender.start();
    try {
      fake.addUser({ openId: 'ou_m', name: '朝阳支行张行长' });
      const { id } = await sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: 'ou_m', msgType: 'interactive', content: card(0), dedupeKey: 'q:card' });
      await sender.idle();
      const t0 = pace.now();
      for (let n = 1; n <= 12; n++) await sender.enqueue({ op: 'patch', outboxId: id, msgType: 'interactive', content: card(n), dedupeKey: `q:${n}` });
      await sender.idle();
      const [msg] = fake.messagesTo('ou_m');
      expect(fake.rateLimited).toBe(0);
      expect(fake.message(msg!.message_id)!.patches).toEqual(Array.from({ length: 12 }, (_, i) => JSON.stringify(card(i + 1))));
      expect(pace.now() - t0).toBeGreaterThanOrEqual(2000);
    } finally {
      await sender.stop();
      await h.close();
      await fake.close();
      h = await createHarness();
    }
  });
});
