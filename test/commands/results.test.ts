/** End-to-end: `/results <region>` ranks inspected candidates against the quota, breaking ties by the documented rule. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, RA_BJ, submittedInspection, tiedField, type World } from '../helpers/inspections.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h, { bai: 1, qian: 2 });
});
afterEach(async () => h.close());

describe('/results', () => {
  it('ranks by total, then fewer major deductions, module 1, earlier submission; selects within quota', async () => {
    await tiedField(h, w);
    const [r] = await say(h, SEC, '/检查结果 北京 千佳');
    const text = textOf(r);
    const lines = (JSON.parse(r!.content).body.elements[0].content as string).split('\n');
    expect(lines[0]).toBe('**千佳**（名额 2，已完成检查 6 家）');
    expect(lines.slice(1, 7)).toEqual([
      '1. 甲支行（示范银行）　995 分　✅ 名额内，拟推荐',
      '2. 乙支行（示范银行）　990 分　✅ 名额内，拟推荐',
      '3. 丙支行（示范银行）　990 分　⏸ 超出名额（与上一名同分，按重大扣分少者居前排序）',
      '4. 丁支行（另一银行）　990 分　⏸ 超出名额（与上一名同分，按申报提交早者居前排序）',
      '5. 戊支行（示范银行）　990 分　⏸ 超出名额（与上一名同分，按模块一得分高者居前排序）',
      '6. 己支行（示范银行）　840 分　❌ 未达合格线',
    ]);
    expect(text).toContain('待完成现场检查：庚支行');
    expect(text).toContain('排序规则：总分高者居前');
  });

  it('shows both tiers by default, and an unset quota', async () => {
    await h.prisma.quota.deleteMany({ where: { regionId: w.sh, tier: 'bai' } });
    const app = await candidate(h, w, { name: '上海百佳', tier: 'bai', region: w.sh });
    await submittedInspection(h, app, []);
    const [r] = await say(h, SEC, '/results 上海');
    expect(textOf(r)).toContain('**百佳**（名额 未设置，已完成检查 1 家）');
    expect(textOf(r)).toContain('1. 上海百佳（示范银行）　1000 分　⏸ 超出名额');
    expect(textOf(r)).toContain('**千佳**（名额 2，已完成检查 0 家）');
  });

  it('keeps a regional admin to their own region, and knows it when unnamed', async () => {
    expect(textOf((await say(h, RA_BJ, '/results 上海'))[0])).toContain('您不是「上海」的地方协会管理员');
    expect(textOf((await say(h, RA_BJ, '/results'))[0])).toContain('北京 · 2026年度评选 检查结果排名');
    expect(textOf((await say(h, SEC, '/results'))[0])).toContain('请给出地区');
    expect(textOf((await say(h, SEC, '/results 火星'))[0])).toContain('没有名为「火星」的地区');
  });
});
