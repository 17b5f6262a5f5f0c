/** Why: campaigns, their milestones and quotas in the database, with every status change checked and audited. */
import type { Db, PrismaClient } from './db.ts';
import { audit } from './audit.ts';
import type { Work } from './atomic.ts';
import { cycleOf, type Milestone as DomainMilestone, type CycleTemplate } from '../domain/calendar.ts';
import { asLocalDate, type LocalDate } from '../domain/dates.ts';
import type { CampaignStatus } from '../domain/campaign.ts';
import type { Allowed } from '../domain/decision.ts';

export { CAMPAIGN_STATUSES, type CampaignStatus } from '../domain/campaign.ts';

/** The only moves a campaign may make. */
const NEXT: Record<CampaignStatus, CampaignStatus[]> = { DRAFT: ['OPEN'], OPEN: ['CLOSED'], CLOSED: ['ANNOUNCED'], ANNOUNCED: ['ARCHIVED'], ARCHIVED: [] };

export function canMove(from: CampaignStatus, to: CampaignStatus): boolean {
  return NEXT[from].includes(to);
}

export interface CampaignView {
  id: number;
  name: string;
  cycle: string;
  tiers: string[];
  status: CampaignStatus;
  milestones: Array<{ key: string; name: string; startsOn: LocalDate; endsOn: LocalDate | null }>;
}

export class TransitionError extends Error {
  constructor(readonly from: string, readonly to: string, readonly reason: 'state' | 'conflict') {
    super(`Campaign cannot move from ${from} to ${to}${reason === 'conflict' ? ': the cycle already has a round of the same tier (第五条, one per 2-year cycle)' : ''}.`);
    this.name = 'TransitionError';
  }
}

export class CampaignStore {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  private view(c: { id: number; name: string; cycle: string; tiers: string; status: string; milestones?: Array<{ key: string; name: string; startsOn: string; endsOn: string | null }> }): CampaignView {
    return {
      id: c.id,
      name: c.name,
      cycle: c.cycle,
      tiers: JSON.parse(c.tiers) as string[],
      status: c.status as CampaignStatus,
      milestones: (c.milestones ?? []).map((m) => ({ key: m.key, name: m.name, startsOn: asLocalDate(m.startsOn), endsOn: m.endsOn ? asLocalDate(m.endsOn) : null })),
    };
  }

  async get(id: number, db: Db = this.prisma): Promise<CampaignView | null> {
    const c = await db.campaign.findUnique({ where: { id }, include: { milestones: { orderBy: { id: 'asc' } } } });
    return c ? this.view(c) : null;
  }

  /** 第五条 每2年: whether an earlier round of the cycle (open, closed or done) shares a tier with `c` (as `move` checks). */
  async openConflict(db: Db, c: CampaignView): Promise<boolean> {
    const others = await db.campaign.findMany({ where: { status: { in: ['OPEN', 'CLOSED', 'ANNOUNCED', 'ARCHIVED'] }, cycle: c.cycle, id: { not: c.id } } });
    return others.some((o) => (JSON.parse(o.tiers) as string[]).some((t) => c.tiers.includes(t)));
  }

  /**
   * Writes an allowed move inside the caller's transaction: the status (only if still `from`), its time stamp and
   * the audit row; `discard` deletes the draft. Returns false when the campaign had moved meanwhile.
   */
  async moveIn(w: Work, actorId: string, id: number, d: Allowed<CampaignStatus, unknown>): Promise<boolean> {
    if (d.action === 'campaign.discard') {
      const c = await w.tx.campaign.findUnique({ where: { id } });
      if (!c || c.status !== 'DRAFT') return false;
      await w.tx.campaign.delete({ where: { id } });
      await w.audit(actorId, d.action, `campaign:${id}`, { name: c.name, status: 'DRAFT' }, null);
      return true;
    }
    const stamp = d.to === 'OPEN' ? { openedAt: w.now } : d.to === 'CLOSED' ? { closedAt: w.now } : {};
    const res = await w.tx.campaign.updateMany({ where: { id, status: d.from }, data: { status: d.to, ...stamp } });
    if (res.count !== 1) return false;
    await w.audit(actorId, d.action, `campaign:${id}`, { status: d.from }, { status: d.to });
    return true;
  }

  async list(): Promise<CampaignView[]> {
    const rows = await this.prisma.campaign.findMany({ orderBy: { id: 'desc' }, take: 20, include: { milestones: { orderBy: { id: 'asc' } } } });
    return rows.map((r) => this.view(r));
  }

  async byStatus(statuses: CampaignStatus[]): Promise<CampaignView[]> {
    const rows = await this.prisma.campaign.findMany({ where: { status: { in: statuses } }, orderBy: { id: 'desc' }, include: { milestones: { orderBy: { id: 'asc' } } } });
    return rows.map((r) => this.view(r));
  }

  /** The campaign commands act on by default: the newest one not yet announced or archived. */
  async current(): Promise<CampaignView | null> {
    return (await this.byStatus(['OPEN', 'CLOSED', 'DRAFT']))[0] ?? null;
  }

  /** Open campaigns that share a tier with `tiers` in `cycle` (at most one per tier and cycle may be open). */
  async openConflicts(cycle: string, tiers: string[], exceptId?: number): Promise<CampaignView[]> {
    const open = await this.byStatus(['OPEN']);
    return open.filter((c) => c.id !== exceptId && c.cycle === cycle && c.tiers.some((t) => tiers.includes(t)));
  }

  async createDraft(actorId: string, d: { name: string; cycle: string; tiers: string[]; milestones: DomainMilestone[] }): Promise<CampaignView> {
    const id = await this.prisma.$transaction(async (tx) => {
      const c = await tx.campaign.create({
        data: {
          name: d.name,
          cycle: d.cycle,
          tiers: JSON.stringify(d.tiers),
          status: 'DRAFT',
          createdBy: actorId,
          createdAt: this.now(),
          milestones: { create: d.milestones.map((m) => ({ key: m.id, name: m.name, startsOn: m.startsOn, endsOn: m.isWindow ? m.endsOn : null })) },
        },
      });
      await audit(tx, { actorId, action: 'campaign.draft', target: `campaign:${c.id}`, before: null, after: { name: d.name, cycle: d.cycle, tiers: d.tiers, status: 'DRAFT' }, at: this.now() });
      return c.id;
    });
    return (await this.get(id))!;
  }

  /**
   * Moves a campaign from one status to the next, atomically: a second click or a redelivered callback finds the
   * status already moved and changes nothing (returns false).
   */
  async move(actorId: string, id: number, from: CampaignStatus, to: CampaignStatus): Promise<boolean> {
    if (!canMove(from, to)) throw new TransitionError(from, to, 'state');
    return this.prisma.$transaction(async (tx) => {
      const c = await tx.campaign.findUnique({ where: { id } });
      if (!c || c.status !== from) return false;
      if (to === 'OPEN') {
        const tiers = JSON.parse(c.tiers) as string[];
        // 第五条 每2年: any earlier round of the cycle (open, closed or done) blocks a second one of the same tier.
        const open = await tx.campaign.findMany({ where: { status: { in: ['OPEN', 'CLOSED', 'ANNOUNCED', 'ARCHIVED'] }, cycle: c.cycle, id: { not: id } } });
        if (open.some((o) => (JSON.parse(o.tiers) as string[]).some((t) => tiers.includes(t)))) throw new TransitionError(from, to, 'conflict');
      }
      const stamp = to === 'OPEN' ? { openedAt: this.now() } : to === 'CLOSED' ? { closedAt: this.now() } : {};
      const res = await tx.campaign.updateMany({ where: { id, status: from }, data: { status: to, ...stamp } });
      if (res.count !== 1) return false;
      await audit(tx, { actorId, action: `campaign.${to.toLowerCase()}`, target: `campaign:${id}`, before: { status: from }, after: { status: to }, at: this.now() });
      return true;
    });
  }

  /** Throws away a draft whose confirmation was cancelled (audited; the audit row keeps what it was). */
  async discardDraft(actorId: string, id: number): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const c = await tx.campaign.findUnique({ where: { id } });
      if (!c || c.status !== 'DRAFT') return false;
      await tx.campaign.delete({ where: { id } });
      await audit(tx, { actorId, action: 'campaign.discard', target: `campaign:${id}`, before: { name: c.name, status: 'DRAFT' }, after: null, at: this.now() });
      return true;
    });
  }

  async quotas(campaignId: number): Promise<Array<{ regionId: number; region: string; tier: string; quota: number }>> {
    const rows = await this.prisma.quota.findMany({ where: { campaignId }, include: { region: true }, orderBy: [{ regionId: 'asc' }, { tier: 'asc' }] });
    return rows.map((r) => ({ regionId: r.regionId, region: r.region.name, tier: r.tier, quota: r.quota }));
  }

  async setQuota(actorId: string, campaignId: number, regionId: number, tier: string, quota: number): Promise<{ before: number | null }> {
    return this.prisma.$transaction(async (tx) => {
      const where = { campaignId_regionId_tier: { campaignId, regionId, tier } };
      const prior = await tx.quota.findUnique({ where });
      await tx.quota.upsert({ where, create: { campaignId, regionId, tier, quota }, update: { quota } });
      await audit(tx, { actorId, action: 'quota.set', target: `campaign:${campaignId}/region:${regionId}/${tier}`, before: prior ? { quota: prior.quota } : null, after: { quota }, at: this.now() });
      return { before: prior?.quota ?? null };
    });
  }
}

/** The cycle a round opened on `opensOn` belongs to, counted from the template's firstCycleYear (see cycleOf). */
export function cycleLabel(template: CycleTemplate, opensOn: LocalDate): string {
  return cycleOf(template, opensOn).label;
}
