/**
 * End-to-end: who decides a review is read from the database (tier, status, bank, region), never from the card;
 * out-of-scope reviewers are refused, audited, and change nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, MANAGER, RA_BJ, type World } from '../helpers/inspections.ts';
import { loadProcessFile } from '../../src/store/process.ts';
import { loadCycleFile } from '../../src/store/cycle.ts';

const BANK_ADMIN = 'ou_bank_admin';
const OTHER_BANK_ADMIN = 'ou_other_bank_admin';
const RA_SH = 'ou_ra_sh';
let h: Harness;
let w: World;

async function setup(process?: ReturnType<typeof loadProcessFile>) {
  h = await createHarness({ secretariat: [SEC], app: process ? { process } : undefined });
  w = await inspectionWorld(h);
  for (const u of [BANK_ADMIN, OTHER_BANK_ADMIN, RA_SH, RA_BJ]) h.fake.addUser({ openId: u, name: u });
  await say(h, SEC, `/role grant @${BANK_ADMIN} 会员单位管理员 示范银行`);
  await say(h, SEC, `/role grant @${OTHER_BANK_ADMIN} 会员单位管理员 另一银行`);
  await say(h, SEC, `/role grant @${RA_SH} 地方协会管理员 上海`);
}
afterEach(async () => h?.close());

/** Clicks a review button with whatever value the caller wants to send (a real card carries only app and d). */
async function decide(operator: string, value: Record<string, unknown>, reason?: string) {
  const r = await h.fake.deliverCardAction({ operator, value: { a: 'review.decide', ...value }, messageId: 'om_review', formValue: reason ? { reason } : undefined });
  await h.app.settle();
  return (r.body as { toast?: { type: string; content: string } }).toast;
}
const statusOf = async (id: number) => (await h.prisma.application.findUniqueOrThrow({ where: { id } })).status;
const refusals = async (actor: string) => (await h.prisma.auditLog.findMany({ where: { action: 'refused', actorId: actor } })).map((r) => JSON.parse(r.after!));

describe('finding 4: the card cannot choose the stage', () => {
  it('where 千佳 goes straight to the region, a member admin sending stage "member" is refused and the region can still act', async () => {
    const rules = loadProcessFile(loadCycleFile());
    await setup({ ...rules, review: { ...rules.review, filingTiers: ['bai'] } });
    const app = await candidate(h, w, { name: '千佳支行', tier: 'qian', status: 'SUBMITTED' });
    const toast = await decide(BANK_ADMIN, { stage: 'member', app, d: 'approve' });
    expect(toast?.type).toBe('error');
    expect(toast?.content).toContain('这一步需要 地方协会管理员 / 中银协秘书处');
    expect(await statusOf(app)).toBe('SUBMITTED');
    expect(await refusals(BANK_ADMIN)).toEqual([expect.objectContaining({ act: 'review.decide', code: 'review_scope', needRoles: ['regional_admin', 'secretariat'] })]);
    expect((await decide(RA_BJ, { stage: 'member', app, d: 'approve' }))?.type).toBe('success');
    expect(await statusOf(app)).toBe('PRESELECTED');
  });

  it('with 报备 (the default), the stage still comes from the status: a member admin cannot preselect a filed candidate', async () => {
    await setup();
    const app = await candidate(h, w, { name: '已报备支行', tier: 'qian', status: 'FILED' });
    expect((await decide(BANK_ADMIN, { stage: 'member', app, d: 'approve' }))?.type).toBe('error');
    expect(await statusOf(app)).toBe('FILED');
    expect(await h.prisma.auditLog.count({ where: { action: { startsWith: 'application.' } } })).toBe(0);
  });
});

describe('scope checks in review decisions', () => {
  it("a member admin of another bank cannot file or qualify this bank's candidate", async () => {
    await setup();
    const qian = await candidate(h, w, { name: '千佳支行', tier: 'qian', status: 'SUBMITTED' });
    const bai = await candidate(h, w, { name: '百佳支行', tier: 'bai', status: 'SUBMITTED' });
    for (const app of [qian, bai]) {
      expect((await decide(OTHER_BANK_ADMIN, { app, d: 'approve' }))?.type).toBe('error');
      expect(await statusOf(app)).toBe('SUBMITTED');
    }
    expect((await refusals(OTHER_BANK_ADMIN)).map((r) => r.code)).toEqual(['review_scope', 'review_scope']);
    expect(h.fake.messagesTo(MANAGER)).toHaveLength(0);
    expect((await decide(BANK_ADMIN, { app: qian, d: 'approve' }))?.type).toBe('success');
    expect(await statusOf(qian)).toBe('FILED');
    expect((await decide(BANK_ADMIN, { app: bai, d: 'reject' }, '材料不实'))?.type).toBe('success');
    expect(await statusOf(bai)).toBe('DISQUALIFIED');
  });

  it("a regional admin of another region cannot preselect or reject this region's candidate", async () => {
    await setup();
    const app = await candidate(h, w, { name: '北京支行', tier: 'qian', status: 'FILED' });
    expect((await decide(RA_SH, { app, d: 'approve' }))?.type).toBe('error');
    expect((await decide(RA_SH, { app, d: 'reject' }, '不推荐'))?.type).toBe('error');
    expect(await statusOf(app)).toBe('FILED');
    expect((await refusals(RA_SH)).map((r) => r.code)).toEqual(['review_scope', 'review_scope']);
    expect((await decide(RA_BJ, { app, d: 'approve' }))?.type).toBe('success');
    expect(await statusOf(app)).toBe('PRESELECTED');
    expect(await h.prisma.auditLog.count({ where: { action: 'application.preselected', actorId: RA_BJ } })).toBe(1);
  });

  it('the stage, status and quota all come from the database: a second decision is a no-op', async () => {
    await setup();
    const app = await candidate(h, w, { name: '北京支行', tier: 'qian', status: 'FILED' });
    await decide(RA_BJ, { app, d: 'approve' });
    expect((await decide(RA_BJ, { app, d: 'reject' }, '改主意'))?.content).toContain('已处理');
    expect(await statusOf(app)).toBe('PRESELECTED');
  });
});
