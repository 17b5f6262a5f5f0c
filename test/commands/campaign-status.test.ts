/** End-to-end: the status card shows phase, next deadlines, and per-region applications against quota. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  await regionsAndGroups(h);
});
afterEach(async () => h.close());

describe('/campaign status', () => {
  it('shows the phase, the next deadlines and counts against quota', async () => {
    const id = await openCampaign(h, '状态测试', '2026-04-30');
    await say(h, SEC, '/quota set 北京 百佳=5 千佳=40');
    const bank = await h.prisma.memberUnit.findFirstOrThrow();
    const bj = await h.prisma.region.findFirstOrThrow({ where: { name: '北京' } });
    const unit = await h.prisma.unit.create({ data: { name: '示范支行', memberUnitId: bank.id, regionId: bj.id } });
    await h.prisma.application.create({ data: { campaignId: id, unitId: unit.id, tier: 'qian', status: 'SUBMITTED', managerOpenId: 'ou_m' } });
    await h.prisma.application.create({ data: { campaignId: id, unitId: (await h.prisma.unit.create({ data: { name: '二号', memberUnitId: bank.id, regionId: bj.id } })).id, tier: 'qian', status: 'DRAFT', managerOpenId: 'ou_m' } });
    const [card] = await say(h, SEC, '/评选状态');
    const t = textOf(card);
    expect(t).toContain('申报中');
    expect(t).toContain('申报启动');
    expect(t).toContain('申报截止：2026-04-30（59 天后）');
    expect(t).toContain('北京 · 千佳：1 / 0 / 40');
    expect(t).toContain('北京 · 百佳：0 / 0 / 5');
    expect(t).toContain('上海 · 百佳：0 / 0 / 未设置');
  });

  it('is for staff: a person with no role is refused', async () => {
    await openCampaign(h);
    const [r] = await say(h, 'ou_nobody', '/campaign status');
    expect(textOf(r)).toContain('需要以下角色之一');
  });

  it('lists campaigns with their status', async () => {
    await openCampaign(h, '列表测试');
    const [r] = await say(h, SEC, '/campaign list');
    expect(textOf(r)).toMatch(/#\d+ 列表测试/);
    expect(textOf(r)).toContain('申报中');
  });
});
