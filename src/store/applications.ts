/** Why: applications and special-case requests in the database, with every status change checked and audited. */
import type { Db, PrismaClient, Tx } from './db.ts';
import { audit } from './audit.ts';
import type { ChecklistState } from '../domain/checklist.ts';
import type { ApplicationFacts, ApplicationStatus } from '../domain/application.ts';
import type { Allowed } from '../domain/decision.ts';
import type { ParticipationStore } from './participation.ts';
import type { Work } from './atomic.ts';

export { APPLICATION_STATUSES, type ApplicationStatus } from '../domain/application.ts';

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

export interface OpenInput {
  campaignId: number;
  tier: string;
  /** Normalised (src/domain/names.ts) before it gets here. */
  unitName: string;
  bankId: number;
  regionId: number;
  openedOn?: string;
  answers: object;
  verdict: string;
  specialCaseId?: number;
}

export class ApplicationStore {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  async get(id: number, db: Db = this.prisma): Promise<ApplicationView | null> {
    const a = await db.application.findUnique({ where: { id } });
    if (!a) return null;
    const u = await db.unit.findUniqueOrThrow({ where: { id: a.unitId }, include: { memberUnit: true, region: true } });
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

  /**
   * The application as a transition function needs it, read through `db` (inside the transaction that will act on
   * it): status, tier, bank, region and owner from the database, the parties' terminations (第十条), and the region's
   * tier quota with how many are preselected already.
   */
  async facts(db: Db, id: number, participation: ParticipationStore): Promise<{ view: ApplicationView; facts: ApplicationFacts } | null> {
    const view = await this.get(id, db);
    if (!view) return null;
    const t = await participation.terminationsFor(db, view.campaignId, { regionId: view.unit.regionId, bankId: view.unit.bankId });
    const quota = (await db.quota.findUnique({ where: { campaignId_regionId_tier: { campaignId: view.campaignId, regionId: view.unit.regionId, tier: view.tier } } }))?.quota ?? null;
    const units = (await db.unit.findMany({ where: { regionId: view.unit.regionId }, select: { id: true } })).map((u) => u.id);
    const preselected = await db.application.count({ where: { campaignId: view.campaignId, tier: view.tier, status: 'PRESELECTED', unitId: { in: units } } });
    return {
      view,
      facts: { status: view.status, tier: view.tier, bankId: view.unit.bankId, regionId: view.unit.regionId, managerOpenId: view.managerOpenId, bankTerminated: t.bank, regionTerminated: t.region, quota, preselected },
    };
  }

  /**
   * Writes an allowed move inside the caller's transaction: the status (only if still `from`, so a concurrent move
   * cannot be overwritten), the reviewer's reason, and the audit row. Returns false when the status had moved.
   */
  async moveIn(w: Work, actorId: string, id: number, d: Allowed<ApplicationStatus, unknown>, reason: string | null, extra: Record<string, unknown> = {}): Promise<boolean> {
    const now = w.now;
    const res = await w.tx.application.updateMany({
      where: { id, status: d.from },
      data: { status: d.to, ...(d.to === 'SUBMITTED' ? { submittedAt: now } : {}), ...(d.from !== 'DRAFT' ? { reviewReason: reason } : {}) },
    });
    if (res.count !== 1) return false;
    await w.audit(actorId, d.action, `application:${id}`, { status: d.from }, { status: d.to, ...(reason ? { reason } : {}), ...extra });
    return true;
  }

  async byManager(openId: string): Promise<ApplicationView[]> {
    const rows = await this.prisma.application.findMany({ where: { managerOpenId: openId }, orderBy: { id: 'asc' }, select: { id: true } });
    return (await Promise.all(rows.map((r) => this.get(r.id)))).filter((x): x is ApplicationView => !!x);
  }

  /**
   * Finds or creates the unit and its application for this campaign and tier. An application another person holds
   * is not taken over: the caller is told who holds it (by returning `heldBy`).
   */
  async open(actorId: string, d: OpenInput): Promise<{ app: ApplicationView; created: boolean } | { heldBy: string }> {
    const id = await this.prisma.$transaction((tx) => this.openIn(tx, actorId, d));
    if ('heldBy' in id) return id;
    return { app: (await this.get(id.id))!, created: id.created };
  }

  /** `open`, inside the caller's transaction (so the bank tie and a special case's use commit with it). */
  async openIn(tx: Tx, actorId: string, d: OpenInput): Promise<{ id: number; created: boolean } | { heldBy: string }> {
    const unit =
      (await tx.unit.findUnique({ where: { memberUnitId_regionId_name: { memberUnitId: d.bankId, regionId: d.regionId, name: d.unitName } } })) ??
      (await tx.unit.create({ data: { name: d.unitName, memberUnitId: d.bankId, regionId: d.regionId, openedOn: d.openedOn ?? null, createdBy: actorId, createdAt: this.now() } }));
    const existing = await tx.application.findUnique({ where: { campaignId_unitId_tier: { campaignId: d.campaignId, unitId: unit.id, tier: d.tier } } });
    if (existing) return existing.managerOpenId === actorId ? { id: existing.id, created: false } : { heldBy: existing.managerOpenId };
    const a = await tx.application.create({
      data: { campaignId: d.campaignId, unitId: unit.id, tier: d.tier, status: 'DRAFT', managerOpenId: actorId, answers: JSON.stringify(d.answers), verdict: d.verdict, specialCaseId: d.specialCaseId ?? null, createdAt: this.now() },
    });
    await audit(tx, { actorId, action: 'application.create', target: `application:${a.id}`, before: null, after: { unit: d.unitName, tier: d.tier, verdict: d.verdict, ...(d.specialCaseId ? { specialCaseId: d.specialCaseId } : {}) }, at: this.now() });
    return { id: a.id, created: true };
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
