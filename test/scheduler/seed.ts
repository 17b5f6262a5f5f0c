/** Why: the reminder tests share one small, realistic selection world: regions with groups, banks, units, applications, roles and an open round. */
import { createHarness, CREDS, type Harness, type HarnessOptions } from '../helpers/harness.ts';
import { createFakeFeishu } from '../../src/sandbox/fake/index.ts';
import { buildMilestones } from '../../src/domain/calendar.ts';
import { asLocalDate, zonedDateTime } from '../../src/domain/dates.ts';
import { loadChecklistFile } from '../../src/flows/apply/services.ts';

export const TZ = 'Asia/Shanghai';
/** A local wall time in BOT_TIMEZONE (the harness default). */
export const local = (date: string, time = '09:00') => zonedDateTime(asLocalDate(date), time, TZ);
export const localText = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

export interface World {
  campaignId: number;
  regions: { bj: number; sh: number; gz: number };
  banks: { icbc: number; ccb: number };
  apps: { m1: number; m2: number; c: number; m4: number };
  /** The inspection of `c` assigned to ou_i1 (on site); it reaches the inspector's reminders once `c` is PRESELECTED. */
  inspectionId: number;
}

/** A checklist with every item of prompts/zh-CN/checklist.yaml done except the numbered ones (1-based, as shown). */
export function checklistMissing(...missing: number[]): string {
  const items = loadChecklistFile().items;
  return JSON.stringify(Object.fromEntries(items.map((item, i) => [item.id, { done: !missing.includes(i + 1) }])));
}

/**
 * 北京 (group oc_bj) and 上海 (group oc_sh) have bound groups, 广州 has none. Everything is real rows, read by the
 * app's own reminder sources (the checklist and the Inspection table); nothing is plugged in. Applications:
 * - m1: 工行北京西单支行, 百佳, draft, checklist missing items 1 (申报表) and 2 (自评打分表)
 * - m2: 建行上海浦东支行, 千佳, draft missing item 3 (the test submits it later)
 * - c:  建行北京朝阳支行, 百佳, submitted (awaiting 建行's qualification review), manager ou_m3; its on-site
 *       inspection is already assigned to ou_i1 (it counts for reminders once c is PRESELECTED)
 * - m4: 工行广州天河支行, 千佳, draft with every item done, not yet submitted
 * Roles: secretariat ou_sec1, ou_sec2; member admins ou_ma1 (工行), ou_ma2 (建行); regional admins ou_ra_bj, ou_ra_sh.
 */
export async function seedWorld(h: Harness, o: { opensOn?: string; open?: boolean } = {}): Promise<World> {
  const p = h.prisma;
  const now = h.clock.now();
  const region = (name: string, chatId: string | null) => p.region.create({ data: { name, chatId, createdAt: now } });
  const bj = await region('北京', 'oc_bj');
  const sh = await region('上海', 'oc_sh');
  const gz = await region('广州', null);
  const icbc = await p.memberUnit.create({ data: { name: '中国工商银行', createdAt: now } });
  const ccb = await p.memberUnit.create({ data: { name: '中国建设银行', createdAt: now } });
  const grant = (openId: string, role: string, scopeType = '', scopeId = 0, name?: string) =>
    p.roleGrant.create({ data: { openId, role, scopeType, scopeId, name: name ?? null, grantedBy: 'test', createdAt: now } });
  await grant('ou_sec1', 'secretariat', '', 0, '秘书处甲');
  await grant('ou_sec2', 'secretariat', '', 0, '秘书处乙');
  await grant('ou_ma1', 'member_admin', 'member', icbc.id, '工行管理员');
  await grant('ou_ma2', 'member_admin', 'member', ccb.id, '建行管理员');
  await grant('ou_ra_bj', 'regional_admin', 'region', bj.id, '北京协会');
  await grant('ou_ra_sh', 'regional_admin', 'region', sh.id, '上海协会');

  const { campaigns, cycle } = h.app.deps.services;
  const milestones = buildMilestones(cycle, { opensOn: asLocalDate(o.opensOn ?? '2026-03-02') });
  const draft = await campaigns.createDraft('ou_sec1', { name: '2026—2027年度评选', cycle: '2026-2027', tiers: ['bai', 'qian'], milestones });
  if (o.open ?? true) await campaigns.move('ou_sec1', draft.id, 'DRAFT', 'OPEN');
  for (const [regionId, tier, quota] of [[bj.id, 'bai', 5], [bj.id, 'qian', 10], [sh.id, 'bai', 3], [sh.id, 'qian', 8]] as const) {
    await p.quota.create({ data: { campaignId: draft.id, regionId, tier, quota } });
  }
  const app = async (unit: string, bank: number, regionId: number, tier: string, status: string, manager: string, checklist: string) => {
    const u = await p.unit.create({ data: { name: unit, memberUnitId: bank, regionId, createdAt: now } });
    return (await p.application.create({ data: { campaignId: draft.id, unitId: u.id, tier, status, managerOpenId: manager, checklist, createdAt: now } })).id;
  };
  const apps = {
    m1: await app('工行北京西单支行', icbc.id, bj.id, 'bai', 'DRAFT', 'ou_m1', checklistMissing(1, 2)),
    m2: await app('建行上海浦东支行', ccb.id, sh.id, 'qian', 'DRAFT', 'ou_m2', checklistMissing(3)),
    c: await app('建行北京朝阳支行', ccb.id, bj.id, 'bai', 'SUBMITTED', 'ou_m3', checklistMissing()),
    m4: await app('工行广州天河支行', icbc.id, gz.id, 'qian', 'DRAFT', 'ou_m4', checklistMissing()),
  };
  const inspection = await p.inspection.create({ data: { applicationId: apps.c, inspectorOpenId: 'ou_i1', kind: 'onsite', rubricId: 'cbss-2026', assignedBy: 'ou_sec1', assignedAt: now } });
  return { campaignId: draft.id, regions: { bj: bj.id, sh: sh.id, gz: gz.id }, banks: { icbc: icbc.id, ccb: ccb.id }, apps, inspectionId: inspection.id };
}

/** The manager of `c` and the region got it through 资格审定 and 初选: its inspection now counts for reminders. */
export async function preselect(h: Harness, w: World): Promise<void> {
  await h.prisma.application.update({ where: { id: w.apps.c }, data: { status: 'PRESELECTED' } });
}

/** The people and groups of the world, known to the fake so messages to them are accepted. */
export function addFakeDirectory(h: Harness): void {
  for (const id of ['ou_sec1', 'ou_sec2', 'ou_ma1', 'ou_ma2', 'ou_ra_bj', 'ou_ra_sh', 'ou_m1', 'ou_m2', 'ou_m3', 'ou_m4', 'ou_i1']) h.fake.addUser({ openId: id, name: id });
  h.fake.addChat({ chatId: 'oc_bj', name: '北京地区群', type: 'group', members: ['ou_ra_bj', 'ou_m1'] });
  h.fake.addChat({ chatId: 'oc_sh', name: '上海地区群', type: 'group', members: ['ou_ra_sh', 'ou_m2'] });
}

export async function reminderRows(h: Harness) {
  const rows = await h.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'reminder:' } }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ ...r, dedupeKey: r.dedupeKey! }));
}

/**
 * A harness whose fake issues tokens valid for years of clock time: these tests move the ManualClock by weeks, and the
 * SDK caches tokens by real time. The fake reads the harness's clock, so delivered events carry its timestamps.
 */
export async function reminderHarness(o: HarnessOptions = {}): Promise<Harness> {
  const start = new Date(o.clockStart ?? '2026-02-20T02:00:00Z');
  let h: Harness | undefined;
  const fake = await createFakeFeishu({ ...CREDS, clock: { now: () => h?.clock.now() ?? start }, tokenTtlSeconds: 5 * 366 * 86_400 });
  h = await createHarness({ ...o, clockStart: start.toISOString(), fake });
  const close = h.close.bind(h);
  h.close = async () => {
    await close();
    await fake.close();
  };
  return h;
}
