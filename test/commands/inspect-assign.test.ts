/** End-to-end: who may assign which candidates, and the automatic conflict-of-interest refusal (never one's own bank). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, INSP, INSP2, RA_BJ, replyText, type World } from '../helpers/inspections.ts';
import { args } from '../../src/commands/inspect-assign.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
});
afterEach(async () => h.close());

describe('/inspect assign', () => {
  it('assigns by unit name, tells the inspector with a card, pins the rubric and audits', async () => {
    const appId = await candidate(h, w, { name: '示范支行', tier: 'bai' });
    const out = await say(h, SEC, `/指派检查 示范支行 @${INSP} --kind 暗访`);
    expect(replyText(out)).toContain('已指派 ou_insp1 对 示范支行（百佳·北京·示范银行）进行神秘客户暗访');
    const notice = h.fake.messagesTo(INSP).at(-1)!;
    expect(notice.msg_type).toBe('interactive');
    expect(textOf(notice)).toContain('请勿提前告知网点');
    const ins = await h.prisma.inspection.findFirstOrThrow({ where: { applicationId: appId } });
    expect([ins.kind, ins.status, ins.rubricId, ins.assignedBy]).toEqual(['mystery', 'ASSIGNED', 'cbss-2026', SEC]);
    expect(await h.prisma.resultRound.findUnique({ where: { campaignId: w.campaignId } })).toMatchObject({ rubricId: 'cbss-2026' });
    expect(await h.prisma.auditLog.count({ where: { action: 'inspection.assign', target: `inspection:${ins.id}` } })).toBe(1);
    // The same assignment again changes nothing.
    expect(textOf((await say(h, SEC, `/inspect assign #${appId} @${INSP} --kind mystery`))[0])).toContain('未重复指派');
    expect(await h.prisma.inspection.count()).toBe(1);
  });

  it('refuses an inspector of the unit’s own bank: recorded with /inspector bank, or holding a role in that bank', async () => {
    const appId = await candidate(h, w, { name: '示范支行' });
    await say(h, SEC, `/role grant @${INSP2} 检查员`);
    expect(textOf((await say(h, SEC, `/inspector bank @${INSP2} 示范银行`))[0])).toContain('已登记');
    const [r] = await say(h, SEC, `/inspect assign ${appId} @${INSP2}`);
    expect(textOf(r)).toContain('利益冲突，未指派');
    expect(textOf(r)).toContain('属于「示范银行」，不能检查本行网点「示范支行」');
    expect(await h.prisma.inspection.count()).toBe(0);
    const refused = await h.prisma.auditLog.findMany({ where: { action: 'refused' } });
    expect(refused.map((r) => JSON.parse(r.after!))).toEqual([expect.objectContaining({ act: 'inspection.assign', code: 'conflict', params: { bank: '示范银行', inspector: INSP2 } })]);

    await say(h, SEC, '/role grant @ou_dual 检查员');
    await say(h, SEC, '/role grant @ou_dual 会员单位管理员 示范银行');
    expect(textOf((await say(h, SEC, `/inspect assign ${appId} @ou_dual`))[0])).toContain('利益冲突');

    // An inspector of another bank is fine.
    expect(replyText(await say(h, SEC, `/inspect assign ${appId} @${INSP}`))).toContain('已指派');
  });

  it('百佳 is the secretariat’s; a regional admin assigns 千佳 in their own region only', async () => {
    const bai = await candidate(h, w, { name: '百佳网点', tier: 'bai' });
    const qianBj = await candidate(h, w, { name: '北京千佳', tier: 'qian' });
    const qianSh = await candidate(h, w, { name: '上海千佳', tier: 'qian', region: w.sh });
    expect(textOf((await say(h, RA_BJ, `/inspect assign ${bai} @${INSP}`))[0])).toContain('百佳候选单位由中银协秘书处指派');
    expect(textOf((await say(h, RA_BJ, `/inspect assign ${qianSh} @${INSP}`))[0])).toContain('您不是「上海」的地方协会管理员');
    expect(replyText(await say(h, RA_BJ, `/inspect assign ${qianBj} @${INSP}`))).toContain('已指派');
    expect(textOf((await say(h, INSP, `/inspect assign ${qianBj} @${INSP}`))[0])).toContain('需要以下角色之一');
  });

  it('needs a preselected candidate and an inspector of the right region', async () => {
    const draft = await candidate(h, w, { name: '未初选网点', status: 'SUBMITTED' });
    expect(textOf((await say(h, SEC, `/inspect assign ${draft} @${INSP}`))[0])).toContain('只有地区初选通过');
    expect(textOf((await say(h, SEC, `/inspect assign 未初选网点 @${INSP}`))[0])).toContain('当前状态为 SUBMITTED');
    const app = await candidate(h, w, { name: '上海网点', region: w.sh });
    expect(textOf((await say(h, SEC, `/inspect assign ${app} @ou_nobody`))[0])).toContain('还没有检查员角色');
    await say(h, SEC, '/role grant @ou_bjinsp 检查员 北京');
    expect(textOf((await say(h, SEC, `/inspect assign ${app} @ou_bjinsp`))[0])).toContain('检查员角色不在「上海」');
    expect(textOf((await say(h, SEC, `/inspect assign 不存在 @${INSP}`))[0])).toContain('没有名为「不存在」的已初选网点');
  });

  it.each([
    [['12', '@ou_a'], true],
    [['示范支行', '@ou_a', '--kind', 'mystery'], true],
    [['示范支行', '@ou_a', '现场'], true],
    [['@ou_a'], false],
    [['12'], false],
    [['12', '@ou_a', '--kind', 'phone'], false],
  ])('args %j → %s', (words, ok) => {
    expect(args.safeParse(words).success).toBe(ok);
  });
});
