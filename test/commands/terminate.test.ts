/** End-to-end: 第十条 — the secretariat ends a bank's or region's participation; their later acts are refused, saying why. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, RA_BJ, replyText, type World } from '../helpers/inspections.ts';

const BANK_ADMIN = 'ou_bank_admin';
let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
  h.fake.addUser({ openId: BANK_ADMIN, name: '示范银行管理员' });
  h.fake.addUser({ openId: RA_BJ, name: '北京协会' });
  await say(h, SEC, `/role grant @${BANK_ADMIN} 会员单位管理员 示范银行`);
});
afterEach(async () => h.close());

/** Clicks a review card's button (the value the card carries: application and decision only). */
async function decide(operator: string, app: number, d: 'approve' | 'reject', reason?: string) {
  const r = await h.fake.deliverCardAction({ operator, value: { a: 'review.decide', app, d }, messageId: 'om_review_card', formValue: reason ? { reason } : undefined });
  await h.app.settle();
  return (r.body as { toast?: { type: string; content: string } }).toast;
}

describe('/terminate and /reinstate (第十条)', () => {
  it("ends a bank's participation with a reason: its admin's 报备 and its managers' applications are refused, quoting it", async () => {
    const app = await candidate(h, w, { name: '甲支行', status: 'SUBMITTED' });
    const r = replyText(await say(h, SEC, '/终止资格 示范银行 多次未按要求配合检查验收'));
    expect(r).toContain('已终止会员单位「示范银行」参与「2026年度评选」的资格');
    expect(textOf(h.fake.messagesTo(BANK_ADMIN).at(-1))).toContain('根据《管理办法》第十条，终止会员单位「示范银行」');
    const t = await h.prisma.termination.findFirstOrThrow();
    expect([t.partyType, t.partyId, t.reason, t.liftedAt]).toEqual(['member', w.bankId, '多次未按要求配合检查验收', null]);
    expect(await h.prisma.auditLog.count({ where: { action: 'participation.terminate' } })).toBe(1);

    const toast = await decide(BANK_ADMIN, app, 'approve');
    expect(toast?.content).toContain('「示范银行」参与本轮评选的资格已于 2026-03-02 由中银协终止');
    expect(toast?.content).toContain('多次未按要求配合检查验收');
    expect((await h.prisma.application.findUniqueOrThrow({ where: { id: app } })).status).toBe('SUBMITTED');
    expect(JSON.parse((await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: BANK_ADMIN } })).after!)).toMatchObject({ act: 'review.decide', code: 'terminated' });

    expect(textOf((await say(h, SEC, '/终止资格 示范银行 再次'))[0])).toContain('已被终止');
    expect(replyText(await say(h, SEC, '/恢复资格 示范银行'))).toContain('已恢复会员单位「示范银行」');
    expect((await h.prisma.termination.findFirstOrThrow()).liftedAt).not.toBeNull();
    expect((await decide(BANK_ADMIN, app, 'approve'))?.type).toBe('success');
    expect((await h.prisma.application.findUniqueOrThrow({ where: { id: app } })).status).toBe('FILED');
  });

  it("ends a region's participation: its admin can no longer preselect or bind groups", async () => {
    const app = await candidate(h, w, { name: '乙支行', status: 'FILED' });
    await say(h, SEC, '/terminate 北京 未报送实施方案');
    expect((await decide(RA_BJ, app, 'approve'))?.content).toContain('「北京」参与本轮评选的资格');
    expect((await h.prisma.application.findUniqueOrThrow({ where: { id: app } })).status).toBe('FILED');
    expect(textOf((await say(h, RA_BJ, '/chat bind 北京', { group: 'oc_new' }))[0])).toContain('未报送实施方案');
    // The secretariat is not the terminated party: it may still decide in the region's place (process.yaml).
    expect((await decide(SEC, app, 'approve'))?.type).toBe('success');
  });

  it('is for the secretariat only, needs a reason, and names unknown parties', async () => {
    expect(textOf((await say(h, RA_BJ, '/终止资格 示范银行 理由'))[0])).toContain('需要以下角色之一：中银协秘书处');
    expect(textOf((await say(h, SEC, '/终止资格 示范银行'))[0])).toContain('请给出地区或会员单位，以及理由');
    expect(textOf((await say(h, SEC, '/终止资格 不存在 理由'))[0])).toContain('没有名为「不存在」的地区或会员单位');
    expect(await h.prisma.termination.count()).toBe(0);
  });
});
