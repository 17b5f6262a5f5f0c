/** End-to-end: /dashboard makes (or reuses) a Base mirroring the campaign, kept in sync, matching /campaign status. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, submittedInspection, type World } from '../helpers/inspections.ts';
import type { FakeBase, FakeTable } from '../../src/sandbox/fake/index.ts';
import { applyToChecklist, surfaceHarness } from './helpers.ts';

const M1 = 'ou_mgr_a';
const M2 = 'ou_mgr_b';
const RA = 'ou_ra_bj';
const SEC2 = 'ou_secretariat2';
let h: Harness;
let w: World;
afterEach(async () => h?.close());

async function world(): Promise<void> {
  h = await surfaceHarness({ secretariat: [SEC, SEC2] });
  w = await inspectionWorld(h);
  for (const [id, name] of [[M1, '甲行长'], [M2, '乙行长'], [SEC2, '秘书处乙']] as const) h.fake.addUser({ openId: id, name });
  await applyToChecklist(h, M1, '甲支行');
  await applyToChecklist(h, M2, '乙支行', '百佳');
  for (const n of [1, 2, 3, 4, 5, 6, 7]) await say(h, M2, `完成 ${n}`);
  await say(h, M2, '提交申报');
  await candidate(h, w, { name: '上海初选支行', region: w.sh, tier: 'bai' });
  await candidate(h, w, { name: '北京已提交支行', status: 'SUBMITTED' });
}

const bases = (): FakeBase[] => [...h.fake.surfaces.bases.values()];
const table = (b: FakeBase, name: string): FakeTable => b.tables.find((t) => t.name === name)!;
const col = (t: FakeTable, field: string) => t.records.map((r) => r.fields[field]);

/** "- 北京 · 千佳：submitted / preselected / quota" lines, from the /campaign status card. */
function statusLines(card: string): string[] {
  return (JSON.parse(card) as { body: { elements: Array<{ content?: string }> } }).body.elements.flatMap((e) => (e.content ?? '').split('\n')).filter((l) => /^- .+ · .+：\d+ \/ \d+ \/ /.test(l));
}

describe('/dashboard', () => {
  it('creates the Base with its two tables, shares it, sends the link once ready, and its table matches /campaign status', async () => {
    await world();
    const [first] = await say(h, SEC, '/dashboard');
    expect(textOf(first)).toContain('正在为您创建「2026年度评选 · 全国数据看板」');
    const [base] = bases();
    expect(bases()).toHaveLength(1);
    expect(base!.name).toBe('2026年度评选 · 全国数据看板');
    expect(base!.tables.map((t) => t.name)).toEqual(['申报', '检查结果']);
    expect(table(base!, '申报').fields.map((f) => [f.field_name, f.type])).toEqual([
      ['申报编号', 1], ['网点', 1], ['会员单位', 1], ['地区', 1], ['等级', 1], ['状态', 1], ['所缺材料', 1], ['所缺项数', 2], ['检查得分', 2],
    ]);
    expect([...base!.members]).toEqual([[SEC, 'view']]);
    const link = h.fake.messagesTo(SEC).filter((m) => textOf(m).includes('打开数据看板'));
    expect(link).toHaveLength(1);
    expect(textOf(link[0])).toContain(base!.url);
    expect(textOf(link[0])).toContain('共 4 份申报');
    expect(await h.prisma.auditLog.count({ where: { action: 'dashboard.create', actorId: SEC } })).toBe(1);

    const apps = table(base!, '申报');
    expect(col(apps, '申报编号').sort()).toEqual(['1', '2', '3', '4']);
    const m1 = apps.records.find((r) => r.fields['网点'] === '甲支行')!.fields;
    expect(m1).toMatchObject({ 会员单位: '示范银行', 地区: '北京', 等级: '千佳', 状态: '填写中', 所缺项数: 7, 检查得分: null });
    expect(String(m1['所缺材料'])).toContain('3. 网点服务管理制度及员工培训记录');

    // The figures per region and tier agree with /campaign status.
    const [status] = await say(h, SEC, '/campaign status');
    const fromBase = ['北京', '上海'].flatMap((region) => ['百佳', '千佳'].map((tier) => {
      const rows = apps.records.filter((r) => r.fields['地区'] === region && r.fields['等级'] === tier);
      const submitted = rows.filter((r) => r.fields['状态'] !== '填写中').length;
      const preselected = rows.filter((r) => r.fields['状态'] === '已入选初选名单').length;
      return `- ${region} · ${tier}：${submitted} / ${preselected} / ${tier === '百佳' ? 1 : 2}`;
    }));
    expect(statusLines(status!.content)).toEqual(fromBase);
    expect(fromBase).toContain('- 北京 · 千佳：1 / 0 / 2');
    expect(fromBase).toContain('- 北京 · 百佳：1 / 0 / 1');
    expect(fromBase).toContain('- 上海 · 百佳：1 / 1 / 1');
  });

  it('is reused: a second call answers with the link at once, another secretariat member is shared in; redeliveries change nothing', async () => {
    await world();
    await say(h, SEC, '/dashboard');
    const [again] = await say(h, SEC, '/数据看板');
    expect(textOf(again)).toContain('打开数据看板');
    await h.fake.deliverMessage({ from: SEC2, chatType: 'p2p', text: '/dashboard', redeliver: 2 });
    await h.app.settle();
    expect(bases()).toHaveLength(1);
    expect([...bases()[0]!.members.keys()].sort()).toEqual([SEC, SEC2].sort());
    expect(h.fake.messagesTo(SEC2).filter((m) => textOf(m).includes('打开数据看板'))).toHaveLength(1);
    expect(table(bases()[0]!, '申报').records).toHaveLength(4);
    expect(h.fake.calls.filter((c) => c.route === 'base_create')).toHaveLength(1);
  });

  it('a regional admin gets their region’s Base only; changes flow in (checklist at once, reviews and results on the tick)', async () => {
    await world();
    await say(h, RA, '/dashboard');
    const [base] = bases();
    expect(base!.name).toBe('2026年度评选 · 北京数据看板');
    const apps = () => table(base!, '申报');
    expect(col(apps(), '网点').sort()).toEqual(['乙支行', '北京已提交支行', '甲支行'].sort());

    await say(h, M1, '完成 1');
    expect(apps().records.find((r) => r.fields['网点'] === '甲支行')!.fields['所缺项数']).toBe(6);

    const submitted = await h.prisma.application.findFirstOrThrow({ where: { status: 'SUBMITTED', unitId: (await h.prisma.unit.findFirstOrThrow({ where: { name: '北京已提交支行' } })).id } });
    await h.prisma.application.update({ where: { id: submitted.id }, data: { status: 'PRESELECTED' } });
    await submittedInspection(h, submitted.id, [['1.1.1', 2, '门楣缺字']]);
    await h.app.scheduler.tick();
    await h.app.settle();
    const row = apps().records.find((r) => r.fields['网点'] === '北京已提交支行')!.fields;
    expect(row).toMatchObject({ 状态: '已入选初选名单', 检查得分: 998 });
    const results = table(base!, '检查结果');
    expect(results.records.map((r) => r.fields)).toEqual([{ 申报编号: String(submitted.id), 网点: '北京已提交支行', 地区: '北京', 等级: '千佳', 总分: 998, 结论: '合格', 已提交的检查: '现场检查', 结果状态: '正式（现场检查已提交）' }]);
    expect(apps().records).toHaveLength(3);
    expect(await h.prisma.dashboardRecord.count({ where: { recordId: null } })).toBe(0);
  });

  it('refuses people without the roles, and a regional admin with no region', async () => {
    await world();
    expect(textOf((await say(h, M1, '/dashboard'))[0])).toContain('需要以下角色之一');
    await h.prisma.roleGrant.create({ data: { openId: 'ou_ra_none', role: 'regional_admin', scopeType: 'region', scopeId: 999, grantedBy: SEC } });
    h.fake.addUser({ openId: 'ou_ra_none', name: '无地区' });
    expect(textOf((await say(h, 'ou_ra_none', '/dashboard'))[0])).toContain('没有绑定地区');
    expect(bases()).toHaveLength(0);
  });
});
