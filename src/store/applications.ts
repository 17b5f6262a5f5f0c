/** Why: applications and special-case requests in the database, with every status change checked and audited. */
import type { PrismaClient } from './db.ts';
import { audit } from './audit.ts';
import type { ChecklistState } from '../domain/checklist.ts';

export const APPLICATION_STATUSES = ['DRAFT', 'SUBMITTED', 'QUALIFIED', 'DISQUALIFIED', 'PRESELECTED', 'REJECTED'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export interface ApplicationView {
  id: number;
  campaignId: number;
  tier: string;
  status: ApplicationStatus;
  managerOpenId: string;
  verdict: string;
  checklist: ChecklistState;
  progressOutboxId: number | null;
  reviewReason: string | null;
  unit: { id: number; name: string; bankId: number; bank: string; regionId: number; region: string; regionChatId: string | null };
}

export class ApplicationStore {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  async get(id: number): Promise<ApplicationView | null> {
    const a = await this.prisma.application.findUnique({ where: { id } });
    if (!a) return null;
    const u = await this.prisma.unit.findUniqueOrThrow({ where: { id: a.unitId }, include: { memberUnit: true, region: true } });
    return {
      id: a.id,
      campaignId: a.campaignId,
      tier: a.tier,
      status: a.status as ApplicationStatus,
      managerOpenId: a.managerOpenId,
      verdict: a.verdict,
      checklist: JSON.parse(a.checklist) as ChecklistState,
      progressOutboxId: a.progressOutboxId,
      reviewReason: a.reviewReason,
      unit: { id: u.id, name: u.name, bankId: u.memberUnitId, bank: u.memberUnit.name, regionId: u.regionId, region: u.region.name, regionChatId: u.region.chatId },
    };
  }

  async byManager(openId: string): Promise<ApplicationView[]> {
    const rows = await this.prisma.application.findMany({ where: { managerOpenId: openId }, orderBy: { id: 'asc' }, select: { id: true } });
    return (await Promise.all(rows.map((r) => this.get(r.id)))).filter((x): x is ApplicationView => !!x);
  }

  /**
   * Finds or creates the unit and its application for this campaign and tier. An application another person holds
   * is not taken over: the caller is told who holds it (by returning `heldBy`).
   */
  async open(actorId: string, d: { campaignId: number; tier: string; unitName: string; bankId: number; regionId: number; openedOn?: string; answers: object; verdict: string; specialCaseId?: number }): Promise<{ app: ApplicationView; created: boolean } | { heldBy: string }> {
    const id = await this.prisma.$transaction(async (tx): Promise<{ id: number; created: boolean } | { heldBy: string }> => {
      const unit =
        (await tx.unit.findUnique({ where: { memberUnitId_regionId_name: { memberUnitId: d.bankId, regionId: d.regionId, name: d.unitName } } })) ??
        (await tx.unit.create({ data: { name: d.unitName, memberUnitId: d.bankId, regionId: d.regionId, openedOn: d.openedOn ?? null, createdBy: actorId, createdAt: this.now() } }));
      const existing = await tx.application.findUnique({ where: { campaignId_unitId_tier: { campaignId: d.campaignId, unitId: unit.id, tier: d.tier } } });
      if (existing) return existing.managerOpenId === actorId ? { id: existing.id, created: false } : { heldBy: existing.managerOpenId };
      const a = await tx.application.create({
        data: { campaignId: d.campaignId, unitId: unit.id, tier: d.tier, status: 'DRAFT', managerOpenId: actorId, answers: JSON.stringify(d.answers), verdict: d.verdict, specialCaseId: d.specialCaseId ?? null, createdAt: this.now() },
      });
      await audit(tx, { actorId, action: 'application.create', target: `application:${a.id}`, before: null, after: { unit: d.unitName, tier: d.tier, verdict: d.verdict }, at: this.now() });
      return { id: a.id, created: true };
    });
    if ('heldBy' in id) return id;
    return { app: (await this.get(id.id))!, created: id.created };
  }

  async saveChecklist(id: number, state: ChecklistState): Promise<void> {
    await this.prisma.application.update({ where: { id }, data: { checklist: JSON.stringify(state) } });
  }

  async setProgressCard(id: number, outboxId: number): Promise<void> {
    await this.prisma.application.update({ where: { id }, data: { progressOutboxId: outboxId } });
  }

  /** Moves an application from one status to the next, once; a repeat finds it moved and returns false. */
  async move(actorId: string, id: number, from: ApplicationStatus, to: ApplicationStatus, reason?: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const res = await tx.application.updateMany({
        where: { id, status: from },
        data: { status: to, ...(to === 'SUBMITTED' ? { submittedAt: this.now() } : {}), ...(reason !== undefined ? { reviewReason: reason } : {}) },
      });
      if (res.count !== 1) return false;
      await audit(tx, { actorId, action: `application.${to.toLowerCase()}`, target: `application:${id}`, before: { status: from }, after: { status: to, ...(reason ? { reason } : {}) }, at: this.now() });
      return true;
    });
  }

  /**
   * Preselects within the region's tier quota, atomically (the count and the move happen in one transaction, so two
   * reviewers clicking at once cannot pass the quota together). `checkQuota` decides from the current count.
   */
  async preselect(
    actorId: string,
    id: number,
    from: ApplicationStatus,
    regionId: number,
    checkQuota: (alreadyPreselected: number) => { ok: true } | { ok: false; refusal: unknown },
  ): Promise<{ moved: boolean; refusal?: unknown }> {
    return this.prisma.$transaction(async (tx) => {
      const a = await tx.application.findUniqueOrThrow({ where: { id } });
      if (a.status !== from) return { moved: false };
      const unitIds = (await tx.unit.findMany({ where: { regionId }, select: { id: true } })).map((u) => u.id);
      const already = await tx.application.count({ where: { campaignId: a.campaignId, tier: a.tier, status: 'PRESELECTED', unitId: { in: unitIds } } });
      const q = checkQuota(already);
      if (!q.ok) return { moved: false, refusal: q.refusal };
      await tx.application.update({ where: { id }, data: { status: 'PRESELECTED', reviewReason: null } });
      await audit(tx, { actorId, action: 'application.preselected', target: `application:${id}`, before: { status: from }, after: { status: 'PRESELECTED', preselectedInRegion: already + 1 }, at: this.now() });
      return { moved: true };
    });
  }

  async countInRegion(campaignId: number, regionId: number, tier: string, status: ApplicationStatus): Promise<number> {
    return this.prisma.application.count({ where: { campaignId, tier, status, unitId: { in: (await this.prisma.unit.findMany({ where: { regionId }, select: { id: true } })).map((u) => u.id) } } });
  }
}
