/** Why: common arrangement for inspection tests: regions, two banks, inspectors, quotas, and preselected candidates made directly. */
import type { Harness } from './harness.ts';
import { click, say, textOf } from './chat.ts';
import type { FakeMessage } from '../../src/sandbox/fake/index.ts';
import { openCampaign, regionsAndGroups, SEC } from './setup.ts';

export const INSP = 'ou_insp1';
export const INSP2 = 'ou_insp2';
export const RA_BJ = 'ou_ra_bj';
export const MANAGER = 'ou_mgr1';

export interface World {
  campaignId: number;
  bankId: number;
  otherBankId: number;
  bj: number;
  sh: number;
}

/** Regions 北京/上海 with bound groups, banks 示范银行/另一银行, a national inspector, a 北京 admin, quotas and an open campaign. */
export async function inspectionWorld(h: Harness, quota = { bai: 1, qian: 2 }): Promise<World> {
  await regionsAndGroups(h);
  const campaignId = await openCampaign(h);
  await say(h, SEC, '/bank add 另一银行');
  await say(h, SEC, `/role grant @${INSP} 检查员`);
  await say(h, SEC, `/role grant @${RA_BJ} 地方协会管理员 北京`);
  await say(h, SEC, `/quota set 北京 百佳=${quota.bai} 千佳=${quota.qian}`);
  await say(h, SEC, `/quota set 上海 百佳=${quota.bai} 千佳=${quota.qian}`);
  h.fake.addUser({ openId: MANAGER, name: '网点负责人甲' });
  h.fake.addUser({ openId: INSP, name: '检查员甲' });
  h.fake.addUser({ openId: INSP2, name: '检查员乙' });
  const bank = await h.prisma.memberUnit.findUniqueOrThrow({ where: { name: '示范银行' } });
  const other = await h.prisma.memberUnit.findUniqueOrThrow({ where: { name: '另一银行' } });
  const bj = await h.prisma.region.findUniqueOrThrow({ where: { name: '北京' } });
  const sh = await h.prisma.region.findUniqueOrThrow({ where: { name: '上海' } });
  return { campaignId, bankId: bank.id, otherBankId: other.id, bj: bj.id, sh: sh.id };
}

/** A unit with a PRESELECTED application (the application flow of issue 4 is bypassed on purpose). */
export async function candidate(
  h: Harness,
  w: World,
  o: { name: string; tier?: 'bai' | 'qian'; region?: number; bank?: number; manager?: string; submittedAt?: string; status?: string },
): Promise<number> {
  const unit = await h.prisma.unit.create({ data: { name: o.name, memberUnitId: o.bank ?? w.bankId, regionId: o.region ?? w.bj } });
  const app = await h.prisma.application.create({
    data: {
      campaignId: w.campaignId, unitId: unit.id, tier: o.tier ?? 'qian', status: o.status ?? 'PRESELECTED', managerOpenId: o.manager ?? MANAGER,
      submittedAt: new Date(o.submittedAt ?? '2026-04-01T02:00:00Z'),
    },
  });
  return app.id;
}

/** A submitted inspection with the given deductions, written directly (for ranking and export tests). */
export async function submittedInspection(h: Harness, applicationId: number, deductions: Array<[string, number, string]>, kind: 'onsite' | 'mystery' = 'onsite'): Promise<number> {
  const ins = await h.prisma.inspection.create({
    data: {
      applicationId, inspectorOpenId: INSP, kind, rubricId: 'cbss-2026', status: 'SUBMITTED', assignedBy: SEC,
      assignedAt: h.clock.now(), submittedAt: h.clock.now(),
      deductions: { create: deductions.map(([itemId, points, reason]) => ({ itemId, points, reason, updatedAt: h.clock.now() })) },
    },
  });
  return ins.id;
}

/** Closes the campaign through the real command and its confirmation. */
export async function closeCampaign(h: Harness): Promise<void> {
  const [confirm] = await say(h, SEC, '/campaign close');
  await click(h, SEC, confirm!, '确认关闭');
}

/** Every card element of a tag, anywhere in the card. */
export function elementsOf(cardJson: string, tag: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    const o = n as Record<string, unknown>;
    if (o.tag === tag) out.push(o);
    Object.values(o).forEach(walk);
  };
  walk(JSON.parse(cardJson));
  return out;
}

/** The text of the bot's reply among new messages (other messages, such as a notice to an inspector, may come first). */
export function replyText(out: FakeMessage[]): string {
  return textOf(out.find((m) => m.replyTo) ?? out[0]);
}

/** Six 北京 千佳 candidates, five of them at 990 points, so every step of the tie rule is needed; one more not yet inspected. */
export async function tiedField(h: Harness, w: World): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  const make = async (name: string, submittedAt: string, deductions: Array<[string, number, string]>, bank = w.bankId) => {
    ids[name] = await candidate(h, w, { name, submittedAt, bank });
    await submittedInspection(h, ids[name]!, deductions);
  };
  await make('甲支行', '2026-04-01T02:00:00Z', [['5.8', 5, '着装不统一']]); // 995
  await make('乙支行', '2026-04-05T02:00:00Z', [['3.1', 5, '制度未更新'], ['4.1', 5, '等候稍长']]); // 990, no major
  await make('丙支行', '2026-04-02T02:00:00Z', [['5.1', 10, '未起身']]); // 990, 1 major, module 1 = 90, earlier
  await make('丁支行', '2026-04-03T02:00:00Z', [['5.2', 10, '未微笑']], w.otherBankId); // 990, 1 major, module 1 = 90, later
  await make('戊支行', '2026-04-01T01:00:00Z', [['1.1.1', 2, '门楣污损'], ['2.1', 8, '标识不清']]); // 990, 1 major, module 1 = 88
  await make('己支行', '2026-04-01T02:00:00Z', [['2.1', 20, '缺失'], ['3.1', 25, '缺失'], ['4.1', 30, '超时'], ['6.4', 30, '违规收费'], ['9.2', 25, '过期'], ['7.1', 30, '无适老']]); // 840, fails
  ids['庚支行'] = await candidate(h, w, { name: '庚支行' });
  return ids;
}

/** The campaign's planned last day of publicity (Milestone 'publicity'). */
export async function publicityEndsOn(h: Harness, w: World): Promise<string> {
  const m = await h.prisma.milestone.findFirstOrThrow({ where: { campaignId: w.campaignId, key: 'publicity' } });
  return m.endsOn ?? m.startsOn;
}

/** Moves the clock to 10:00 (Beijing time) on the day after `date`. */
export function dayAfter(h: Harness, date: string): void {
  h.clock.set(new Date(`${date}T02:00:00Z`).getTime() + 86_400_000);
}
