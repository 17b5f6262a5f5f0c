/** Why: gathers from the database exactly the state the pure planner needs, and only the heavy parts when a tick has something due. */
import { dialectOf, type PrismaClient } from '../store/db.ts';
import type { CycleTemplate, MilestoneId } from '../domain/calendar.ts';
import { asLocalDate } from '../domain/dates.ts';
import type { ReminderPolicy } from '../domain/reminder-policy.ts';
import type { CampaignData, PlanState, ReviewItem, Slot } from '../domain/reminders.ts';
import type { CampaignDates } from '../domain/reminder-slots.ts';
import type { ReminderSources } from './sources.ts';

export interface LoadContext {
  prisma: PrismaClient;
  policy: ReminderPolicy;
  cycle: CycleTemplate;
  timezone: string;
  sources: ReminderSources;
}

/** Campaigns in a status that gets any reminder or digest, with their milestones and the tiers each concerns. */
export async function loadCampaignDates(x: LoadContext): Promise<CampaignDates[]> {
  const statuses = [...new Set<string>([...x.policy.statuses, ...Object.values(x.policy.milestones).flatMap((m) => m?.statuses ?? []), ...(x.policy.digest?.statuses ?? [])])];
  // One joined read (every tick runs it; Prisma's `include` would take two round trips). Statuses are bound parameters.
  const rows = await x.prisma.$queryRawUnsafe<Array<{ id: number | bigint; name: string; status: string; tiers: string; key: string; mname: string; startsOn: string; endsOn: string | null }>>(
    // Quoted identifiers and numbered placeholders: the same SQL on SQLite and PostgreSQL (which folds unquoted names).
    `SELECT c."id", c."name", c."status", c."tiers", m."key", m."name" AS "mname", m."startsOn", m."endsOn" FROM "Campaign" c JOIN "Milestone" m ON m."campaignId" = c."id" WHERE c."status" IN (${statuses.map((_, i) => (dialectOf(x.prisma) === 'postgres' ? `$${i + 1}` : '?')).join(', ')}) ORDER BY c."id", m."id"`,
    ...statuses,
  );
  const out = new Map<number, CampaignDates>();
  for (const r of rows) {
    const id = Number(r.id);
    let c = out.get(id);
    if (!c) {
      c = { id, name: r.name, status: r.status, tiers: JSON.parse(r.tiers) as string[], milestones: [] };
      out.set(id, c);
    }
    const t = x.cycle.milestones.find((tm) => tm.id === r.key)?.tiers;
    const tiers = c.tiers;
    c.milestones.push({ key: r.key as MilestoneId, name: r.mname, startsOn: asLocalDate(r.startsOn), endsOn: r.endsOn ? asLocalDate(r.endsOn) : null, tiers: t ? tiers.filter((id) => t.includes(id)) : tiers });
  }
  return [...out.values()];
}

/** Which parts of a campaign's data the due slots need. */
function needs(slots: readonly Slot[]) {
  const has = (pred: (s: Slot) => boolean) => slots.some(pred);
  return {
    incomplete: has((s) => s.kind === 'branch_manager' || (s.kind === 'escalation' && s.milestone === 'apply_deadline')),
    backlog: has((s) => s.kind === 'member_admin' || s.kind === 'digest' || (s.kind === 'escalation' && s.milestone === 'qualification_review')),
    visits: has((s) => s.kind === 'inspector' || (s.kind === 'escalation' && s.milestone === 'inspection')),
    counts: has((s) => s.kind === 'region_group' || s.kind === 'digest'),
    stats: has((s) => s.kind === 'digest'),
  };
}

async function reviewBacklog(x: LoadContext, campaignId: number): Promise<ReviewItem[]> {
  const apps = await x.prisma.application.findMany({
    where: { campaignId, status: x.policy.memberReview.status, tier: { in: x.policy.memberReview.tiers } },
    select: { id: true, unitId: true, tier: true },
    orderBy: { id: 'asc' },
  });
  if (!apps.length) return [];
  const units = await x.prisma.unit.findMany({ where: { id: { in: [...new Set(apps.map((a) => a.unitId))] } }, select: { id: true, name: true, regionId: true, memberUnitId: true } });
  const unitOf = new Map(units.map((u) => [u.id, u]));
  return apps.flatMap((a) => {
    const u = unitOf.get(a.unitId);
    return u ? [{ applicationId: a.id, unitName: u.name, regionId: u.regionId, memberUnitId: u.memberUnitId, tier: a.tier }] : [];
  });
}

/** Applications per region and tier: submitted (any status past DRAFT) and still in draft. */
async function counts(x: LoadContext, campaignId: number): Promise<CampaignData['counts']> {
  const apps = await x.prisma.application.findMany({ where: { campaignId }, select: { unitId: true, tier: true, status: true } });
  const units = await x.prisma.unit.findMany({ where: { id: { in: [...new Set(apps.map((a) => a.unitId))] } }, select: { id: true, regionId: true } });
  const regionOf = new Map(units.map((u) => [u.id, u.regionId]));
  const out = new Map<string, { regionId: number; tier: string; submitted: number; drafts: number }>();
  for (const a of apps) {
    const regionId = regionOf.get(a.unitId);
    if (regionId === undefined) continue;
    const k = `${regionId}:${a.tier}`;
    const row = out.get(k) ?? { regionId, tier: a.tier, submitted: 0, drafts: 0 };
    if (a.status === 'DRAFT') row.drafts++;
    else row.submitted++;
    out.set(k, row);
  }
  return [...out.values()];
}

async function campaignData(x: LoadContext, campaignId: number, slots: readonly Slot[], now: Date): Promise<CampaignData> {
  const n = needs(slots);
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  const reminderRows = { dedupeKey: { startsWith: `reminder:${campaignId}:` }, createdAt: { gte: weekAgo } };
  return {
    quotas: n.counts ? (await x.prisma.quota.findMany({ where: { campaignId }, select: { regionId: true, tier: true, quota: true } })) : [],
    counts: n.counts ? await counts(x, campaignId) : [],
    incomplete: n.incomplete ? await x.sources.applications.incomplete(campaignId) : [],
    reviewBacklog: n.backlog ? await reviewBacklog(x, campaignId) : [],
    visits: n.visits ? await x.sources.inspections.visits(campaignId) : [],
    sentLastWeek: n.stats ? await x.prisma.outboxMessage.count({ where: { ...reminderRows, status: 'sent' } }) : 0,
    failedLastWeek: n.stats ? await x.prisma.outboxMessage.count({ where: { ...reminderRows, status: 'failed' } }) : 0,
  };
}

/** The planner's whole input, given the campaigns and the slots due in this window. */
export async function loadPlanState(x: LoadContext, campaigns: CampaignDates[], slots: readonly Slot[], lastTickAt: Date | null, now: Date): Promise<PlanState & { names: Map<string, string> }> {
  const [regions, grants, mutes] = await Promise.all([
    x.prisma.region.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, chatId: true } }),
    x.prisma.roleGrant.findMany({ where: { role: { in: ['secretariat', 'member_admin', 'regional_admin'] } }, orderBy: { id: 'asc' } }),
    x.prisma.reminderMute.findMany({ select: { openId: true } }),
  ]);
  const withData = [];
  for (const c of campaigns) {
    const mine = slots.filter((s) => s.campaignId === c.id);
    withData.push({ ...c, data: mine.length ? await campaignData(x, c.id, mine, now) : null });
  }
  const names = new Map<string, string>();
  for (const g of grants) if (g.name) names.set(g.openId, g.name);
  return {
    timezone: x.timezone,
    policy: x.policy,
    campaigns: withData,
    regions,
    people: {
      secretariat: [...new Set(grants.filter((g) => g.role === 'secretariat').map((g) => g.openId))],
      memberAdmins: grants.filter((g) => g.role === 'member_admin' && g.scopeType === 'member').map((g) => ({ openId: g.openId, memberUnitId: g.scopeId })),
      regionalAdmins: grants.filter((g) => g.role === 'regional_admin' && g.scopeType === 'region').map((g) => ({ openId: g.openId, regionId: g.scopeId })),
    },
    mutes: mutes.map((m) => m.openId),
    lastTickAt,
    names,
  };
}
