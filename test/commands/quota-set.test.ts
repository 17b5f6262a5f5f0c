/** End-to-end: quotas are set per region and tier, within 第五条's total of 1,000, and audited. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { click, say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';
import { args } from '../../src/commands/quota-set.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  await regionsAndGroups(h);
});
afterEach(async () => h.close());

describe('/quota set', () => {
  it('needs a campaign first', async () => {
    const [r] = await say(h, SEC, '/quota set 北京 百佳=5');
    expect(textOf(r)).toContain('请先用 `/campaign open` 开启一轮');
  });

  it('sets quotas, reports the national total, and writes audit rows with before and after', async () => {
    await openCampaign(h);
    const [r] = await say(h, SEC, '/设置名额 北京 百佳=5 千佳=40');
    expect(textOf(r)).toContain('全国合计 45 / 1000');
    const [r2] = await say(h, SEC, '/quota set 北京 千佳=50');
    expect(textOf(r2)).toContain('千佳：40 → 50');
    const rows = await h.prisma.auditLog.findMany({ where: { action: 'quota.set' }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(3);
    expect(JSON.parse(rows[2]!.before!)).toEqual({ quota: 40 });
    expect(JSON.parse(rows[2]!.after!)).toEqual({ quota: 50 });
  });

  it('refuses a total over 1,000, saying by how much, and changes nothing', async () => {
    await openCampaign(h);
    await say(h, SEC, '/quota set 北京 千佳=900');
    const [r] = await say(h, SEC, '/quota set 上海 千佳=101');
    expect(textOf(r)).toContain('2026-2027 周期本轮全国名额合计（百佳与千佳）将为 1001');
    expect(textOf(r)).toContain('多出 1');
    expect(await h.prisma.quota.count()).toBe(1);
  });

  it('counts the 1,000 per round: two single-tier campaigns of one cycle share it (900 + 900 is refused)', async () => {
    const [a] = await say(h, SEC, '/campaign open 百佳评选 --tiers 百佳 --apply-by 2026-05-31');
    await click(h, SEC, a!, '确认开启');
    const [b] = await say(h, SEC, '/campaign open 千佳评选 --tiers 千佳 --apply-by 2026-05-31');
    await click(h, SEC, b!, '确认开启');
    const [bai, qian] = await h.prisma.campaign.findMany({ orderBy: { id: 'asc' } });
    expect([bai!.cycle, qian!.cycle]).toEqual(['2026-2027', '2026-2027']);
    expect(textOf((await say(h, SEC, `/quota set 北京 百佳=900 --campaign ${bai!.id}`))[0])).toContain('全国合计 900 / 1000');
    const [r] = await say(h, SEC, `/quota set 上海 千佳=900 --campaign ${qian!.id}`);
    expect(textOf(r)).toContain('名额未修改');
    expect(textOf(r)).toContain('将为 1800，其中同周期其他评选已分配 900');
    expect(textOf(r)).toContain('多出 800');
    expect(await h.prisma.quota.count({ where: { campaignId: qian!.id } })).toBe(0);
    expect(await h.prisma.auditLog.count({ where: { action: 'quota.set' } })).toBe(1);
    const [ok] = await say(h, SEC, `/quota set 上海 千佳=100 --campaign ${qian!.id}`);
    expect(textOf(ok)).toContain('本轮全国合计 1000 / 1000，其中同周期其他评选已分配 900');
    expect(await h.prisma.quota.findMany({ where: { campaignId: qian!.id }, select: { tier: true, quota: true } })).toEqual([{ tier: 'qian', quota: 100 }]);
  });

  it('a /quota set delivered 4 times (Feishu redelivery) changes the quota once and writes one audit row', async () => {
    await openCampaign(h);
    const d = await h.fake.deliverMessage({ from: SEC, chatType: 'p2p', text: '/quota set 北京 百佳=7', redeliver: 3 });
    await h.app.settle();
    expect(d.responses.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    expect(await h.prisma.auditLog.count({ where: { action: 'quota.set' } })).toBe(1);
    expect(await h.prisma.quota.findMany({ select: { tier: true, quota: true } })).toEqual([{ tier: 'bai', quota: 7 }]);
    expect(h.fake.messages.filter((m) => m.replyTo === d.messageId)).toHaveLength(1);
  });

  it('refuses an unknown region or tier, and bad numbers', async () => {
    await openCampaign(h);
    expect(textOf((await say(h, SEC, '/quota set 火星 百佳=1'))[0])).toContain('没有名为「火星」的地区');
    expect(textOf((await say(h, SEC, '/quota set 北京 万佳=1'))[0])).toContain('不认识的等级「万佳」');
    expect(textOf((await say(h, SEC, '/quota set 北京 百佳=-3'))[0])).toContain('应为不小于 0 的整数');
    expect(await h.prisma.quota.count()).toBe(0);
  });

  it('refuses an inspector', async () => {
    await openCampaign(h);
    await say(h, SEC, '/role grant @ou_insp 检查员');
    expect(textOf((await say(h, 'ou_insp', '/quota set 北京 百佳=1'))[0])).toContain('中银协秘书处');
  });

  it.each([
    [['北京', '百佳=5', '千佳=40'], true],
    [['北京'], false],
    [['北京', '百佳=五'], false],
    [['北京', '上海', '百佳=1'], false],
  ])('args %j → %s', (words, ok) => {
    expect(args.safeParse(words).success).toBe(ok);
  });
});
