/**
 * End-to-end: applying claims a unit, so only the bank's own 网点负责人 may (finding 7); unit names are one form
 * (finding 7); a special-case approval is for its unit and used once (finding 2); waiting requests are limited (finding 8).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../helpers/harness.ts';
import { click, say, textOf } from '../../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../../helpers/setup.ts';

const MGR = 'ou_mgr_a';
const MGR2 = 'ou_mgr_b';
const STRANGER = 'ou_stranger';
const BANK_ADMIN = 'ou_bank_admin';
let h: Harness;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  for (const u of [MGR, MGR2, STRANGER, BANK_ADMIN]) h.fake.addUser({ openId: u, name: u });
  await regionsAndGroups(h);
  await openCampaign(h, '2026年度评选', '2026-05-31');
  await say(h, SEC, `/role grant @${BANK_ADMIN} 会员单位管理员 示范银行`);
  for (const m of [MGR, MGR2]) await say(h, BANK_ADMIN, `/role grant @${m} 网点负责人 示范银行`);
});
afterEach(async () => h.close());

const lastTo = (who: string) => h.fake.messagesTo(who).at(-1)!;
/** Eligibility by text (opened `opened`), then the unit's name and bank; returns the answer to the bank step. */
async function toBankStep(who: string, unit: string, opened = '2023-05-01') {
  for (const t of ['申报', '1', '是', '是', '2', opened, '开始申报', unit]) await say(h, who, t);
  return (await say(h, who, '示范银行'))[0];
}

describe('applicants are tied to their bank (finding 7)', () => {
  it('someone the bank never made its branch manager cannot start an application; refused, audited, nothing created', async () => {
    const answer = await toBankStep(STRANGER, '北京中关村支行');
    expect(textOf(answer)).toContain('您还不是「示范银行」的网点负责人');
    expect(textOf(answer)).toContain('申请由该行确认我为网点负责人');
    expect(await h.prisma.unit.count()).toBe(0);
    expect(await h.prisma.application.count()).toBe(0);
    expect(JSON.parse((await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: STRANGER } })).after!)).toMatchObject({ act: 'application.bank', code: 'not_bank_manager', needRoles: ['branch_manager'] });
  });

  it("the bank's admin confirms a self-claim by card; then the person may apply", async () => {
    const answer = await toBankStep(STRANGER, '北京中关村支行');
    const asked = await click(h, STRANGER, answer!, '申请由该行确认我为网点负责人');
    expect(asked.toast?.content).toContain('已请 示范银行 的会员单位管理员确认');
    const claimCard = lastTo(BANK_ADMIN);
    expect(textOf(claimCard)).toContain('申请作为 **示范银行** 的网点负责人，为「北京中关村支行」申报');
    // Someone else cannot confirm it.
    expect((await click(h, MGR, claimCard, '确认')).toast?.type).toBe('error');
    expect((await click(h, BANK_ADMIN, claimCard, '确认')).toast?.type).toBe('success');
    expect(await h.prisma.roleGrant.count({ where: { openId: STRANGER, role: 'branch_manager', scopeType: 'member' } })).toBe(1);
    expect(textOf(lastTo(STRANGER))).toContain('已确认您为本行网点负责人');
    expect(await h.prisma.auditLog.count({ where: { action: 'role.grant', target: STRANGER, actorId: BANK_ADMIN } })).toBe(1);
    await say(h, STRANGER, '示范银行');
    await say(h, STRANGER, '北京');
    await say(h, STRANGER, '千佳');
    expect((await h.prisma.application.findFirstOrThrow()).managerOpenId).toBe(STRANGER);
  });

  it('a member admin grants branch managers of their own bank only', async () => {
    await say(h, SEC, '/bank add 另一银行');
    expect(textOf((await say(h, BANK_ADMIN, '/role grant @ou_x 网点负责人 另一银行'))[0])).toContain('只有该行的会员单位管理员');
    expect(textOf((await say(h, BANK_ADMIN, '/role grant @ou_x 检查员'))[0])).toContain('需要 中银协秘书处');
    expect(await h.prisma.roleGrant.count({ where: { openId: 'ou_x' } })).toBe(0);
  });
});

describe('unit names are one form (finding 7)', () => {
  it('a name with a zero-width space is the same unit: a second manager cannot squat it', async () => {
    await toBankStep(MGR, '北京中关村支行');
    for (const t of ['北京', '千佳']) await say(h, MGR, t);
    await toBankStep(MGR2, '北京中关\u200b村支行');
    await say(h, MGR2, '北京');
    const [r] = await say(h, MGR2, '千佳');
    expect(textOf(r)).toContain('已由其他负责人创建');
    expect((await h.prisma.unit.findMany()).map((u) => u.name)).toEqual(['北京中关村支行']);
    expect(await h.prisma.application.count()).toBe(1);
  });

  it('full-width letters and stray spaces are folded before the name is stored', async () => {
    await toBankStep(MGR, '  ＡＢＣ\u3000支行\u200d ');
    for (const t of ['北京', '千佳']) await say(h, MGR, t);
    expect((await h.prisma.unit.findFirstOrThrow()).name).toBe('ABC 支行');
  });
});

/** A unit opened too recently (第十一条第4项) asks 中银协 for a special case, for `unit`; returns the request's id. */
async function requestSpecial(who: string, unit: string): Promise<number> {
  for (const t of ['申报', '1', '是', '是', '1', '2025-01-01', '特殊', unit, '示范银行', '北京', '两家网点合并，原网点2015年开业']) await say(h, who, t);
  return (await h.prisma.specialCase.findFirstOrThrow({ where: { managerOpenId: who }, orderBy: { id: 'desc' } })).id;
}

describe('special cases are for one unit and used once (finding 2)', () => {
  it('an approval opens one application for the unit it names; clicking 开始申报 again is refused', async () => {
    const id = await requestSpecial(MGR, '北京新区支行');
    const sc = await h.prisma.specialCase.findUniqueOrThrow({ where: { id } });
    expect([sc.unitName, sc.status]).toEqual(['北京新区支行', 'PENDING']);
    await click(h, SEC, lastTo(SEC), '批准');
    const notice = lastTo(MGR);
    await click(h, MGR, notice, '开始申报');
    await say(h, MGR, '千佳');
    const app = await h.prisma.application.findFirstOrThrow();
    expect([app.verdict, app.specialCaseId]).toEqual(['special_approved', id]);
    expect((await h.prisma.specialCase.findUniqueOrThrow({ where: { id } })).status).toBe('USED');
    const again = await click(h, MGR, notice, '开始申报');
    expect(again.toast?.content).toContain('已经用于一份申报，不能重复使用');
    expect(await h.prisma.application.count()).toBe(1);
    expect(await h.prisma.auditLog.count({ where: { action: 'special_case.used' } })).toBe(1);
  });

  it('even a dialog naming another unit cannot use it: refused, audited, no application', async () => {
    const id = await requestSpecial(MGR, '北京新区支行');
    await click(h, SEC, lastTo(SEC), '批准');
    await click(h, MGR, lastTo(MGR), '开始申报');
    // A dialog state from elsewhere (an older release, or tampering) names another unit of another region.
    const s = await h.prisma.conversationSession.findFirstOrThrow({ where: { userId: MGR } });
    const state = JSON.parse(s.state);
    const sh = await h.prisma.region.findUniqueOrThrow({ where: { name: '上海' } });
    await h.prisma.conversationSession.update({ where: { id: s.id }, data: { state: JSON.stringify({ ...state, unit: { ...state.unit, name: '上海外滩支行', regionId: sh.id } }) } });
    const [r] = await say(h, MGR, '百佳');
    expect(textOf(r)).toContain('只适用于「北京新区支行」');
    expect(await h.prisma.application.count()).toBe(0);
    expect((await h.prisma.specialCase.findUniqueOrThrow({ where: { id } })).status).toBe('APPROVED');
    expect(JSON.parse((await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: MGR } })).after!)).toMatchObject({ act: 'special_case.use', code: 'special_case_other_unit' });
  });
});

describe('waiting special-case requests per person (finding 8)', () => {
  it('accepts openSpecialCasesPerPerson (process.yaml) and refuses the next with a clear answer, carding nobody', async () => {
    const limit = h.app.deps.services.process.limits.openSpecialCasesPerPerson;
    for (let i = 0; i < limit; i++) await requestSpecial(MGR, `北京第${i + 1}支行`);
    const cards = h.fake.messagesTo(SEC).length;
    for (const t of ['申报', '1', '是', '是', '1', '2025-01-01', '特殊', '北京又一支行', '示范银行', '北京']) await say(h, MGR, t);
    const [r] = await say(h, MGR, '再申请一次');
    expect(textOf(r)).toContain(`已有 ${limit} 个特殊情况申请在等待中银协审查，已达上限`);
    expect(await h.prisma.specialCase.count({ where: { managerOpenId: MGR } })).toBe(limit);
    expect(h.fake.messagesTo(SEC)).toHaveLength(cards);
    expect(JSON.parse((await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: MGR } })).after!)).toMatchObject({ code: 'limit_special_cases', params: { limit } });
    // A decided request no longer counts.
    await click(h, SEC, h.fake.messagesTo(SEC).filter((m) => textOf(m).includes('特殊情况申请 #1')).at(-1)!, '不批准', { formValue: { reason: '材料不足' } });
    await say(h, MGR, '再申请一次');
    expect(textOf(lastTo(MGR))).toContain('已提交特殊情况申请');
    expect(await h.prisma.specialCase.count({ where: { managerOpenId: MGR } })).toBe(limit + 1);
  });
});
