/** Why: inspection assignments, draft deductions, submission and recusal in the database, each change atomic and audited. */
import type { Db, PrismaClient, Tx } from './db.ts';
import { audit } from './audit.ts';
import type { Work } from './atomic.ts';
import type { CheckKind } from '../domain/rubric.ts';
import type { Deduction } from '../domain/scoring.ts';

export type InspectionStatus = 'ASSIGNED' | 'SUBMITTED' | 'RECUSED';

export interface CandidateView {
  id: number;
  campaignId: number;
  tier: string;
  status: string;
  managerOpenId: string;
  submittedAt: Date | null;
  unit: { id: number; name: string; memberUnitId: number; regionId: number };
  region: { id: number; name: string; chatId: string | null };
  bank: { id: number; name: string };
}

export interface InspectionView {
  id: number;
  applicationId: number;
  inspectorOpenId: string;
  kind: CheckKind;
  rubricId: string;
  status: InspectionStatus;
  assignedBy: string;
  submittedAt: Date | null;
  deductions: Deduction[];
}

export class InspectionStore {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  /** An application with its unit, region and bank (null when any is missing). */
  async candidate(applicationId: number, db: Db = this.prisma): Promise<CandidateView | null> {
    const a = await db.application.findUnique({ where: { id: applicationId } });
    if (!a) return null;
    const unit = await db.unit.findUnique({ where: { id: a.unitId }, include: { region: true, memberUnit: true } });
    if (!unit) return null;
    return {
      id: a.id, campaignId: a.campaignId, tier: a.tier, status: a.status, managerOpenId: a.managerOpenId, submittedAt: a.submittedAt,
      unit: { id: unit.id, name: unit.name, memberUnitId: unit.memberUnitId, regionId: unit.regionId },
      region: { id: unit.region.id, name: unit.region.name, chatId: unit.region.chatId },
      bank: { id: unit.memberUnit.id, name: unit.memberUnit.name },
    };
  }

  /** Applications of a campaign whose unit is named `name` (exactly), in the given statuses. */
  async candidatesByUnitName(campaignId: number, name: string, statuses: string[]): Promise<CandidateView[]> {
    const units = await this.prisma.unit.findMany({ where: { name: name.trim() }, select: { id: true } });
    const apps = await this.prisma.application.findMany({ where: { campaignId, status: { in: statuses }, unitId: { in: units.map((u) => u.id) } }, orderBy: { id: 'asc' } });
    const out: CandidateView[] = [];
    for (const a of apps) {
      const c = await this.candidate(a.id);
      if (c) out.push(c);
    }
    return out;
  }

  /**
   * The banks a person belongs to, for conflict of interest: every bank they hold a member-scoped role in (member
   * admin, branch manager) and every bank recorded for them with /inspector bank.
   */
  async banksOf(openId: string, db: Db = this.prisma): Promise<number[]> {
    const grants = await db.roleGrant.findMany({ where: { openId, scopeType: 'member' }, select: { scopeId: true } });
    const recorded = await db.inspectorAffiliation.findMany({ where: { openId }, select: { memberUnitId: true } });
    return [...new Set([...grants.map((g) => g.scopeId), ...recorded.map((r) => r.memberUnitId)])];
  }

  /** Records that an inspector belongs to a bank, in the caller's transaction. Returns false when it was already recorded. */
  async recordBankIn(w: Work, actorId: string, openId: string, memberUnitId: number): Promise<boolean> {
    if (await w.tx.inspectorAffiliation.findUnique({ where: { openId_memberUnitId: { openId, memberUnitId } } })) return false;
    await w.tx.inspectorAffiliation.create({ data: { openId, memberUnitId, recordedBy: actorId, createdAt: w.now } });
    await w.audit(actorId, 'inspector.bank', openId, null, { memberUnitId });
    return true;
  }

  /** Active (assigned or submitted) inspections of an application. */
  async ofApplication(applicationId: number, db: Db = this.prisma): Promise<InspectionView[]> {
    const rows = await db.inspection.findMany({ where: { applicationId, status: { in: ['ASSIGNED', 'SUBMITTED'] } }, include: { deductions: true }, orderBy: { id: 'asc' } });
    return rows.map(view);
  }

  async get(id: number, db: Db = this.prisma): Promise<InspectionView | null> {
    const row = await db.inspection.findUnique({ where: { id }, include: { deductions: true } });
    return row ? view(row) : null;
  }

  /** An inspector's open assignments, oldest first. */
  async openFor(openId: string): Promise<InspectionView[]> {
    const rows = await this.prisma.inspection.findMany({ where: { inspectorOpenId: openId, status: 'ASSIGNED' }, include: { deductions: true }, orderBy: { id: 'asc' } });
    return rows.map(view);
  }

  /** Creates an assignment; an identical active one (same application, inspector and kind) is returned instead. */
  async assign(actorId: string, a: { applicationId: number; inspectorOpenId: string; kind: CheckKind; rubricId: string }, within?: Tx): Promise<{ inspection: InspectionView; created: boolean }> {
    const run = <T>(fn: (tx: Tx) => Promise<T>) => (within ? fn(within) : this.prisma.$transaction(fn));
    const id = await run(async (tx) => {
      const same = await tx.inspection.findFirst({ where: { applicationId: a.applicationId, inspectorOpenId: a.inspectorOpenId, kind: a.kind, status: { in: ['ASSIGNED', 'SUBMITTED'] } } });
      if (same) return { id: same.id, created: false };
      const row = await tx.inspection.create({ data: { ...a, status: 'ASSIGNED', assignedBy: actorId, assignedAt: this.now() } });
      await audit(tx, { actorId, action: 'inspection.assign', target: `inspection:${row.id}`, before: null, after: { applicationId: a.applicationId, inspector: a.inspectorOpenId, kind: a.kind, rubricId: a.rubricId }, at: this.now() });
      return { id: row.id, created: true };
    });
    return { inspection: (await this.get(id.id, within))!, created: id.created };
  }

  /**
   * Saves draft deductions (an entry with 0 points removes the item's draft). Only an ASSIGNED inspection can change;
   * returns false when it was submitted or recused meanwhile.
   */
  async saveDraft(actorId: string, id: number, entries: readonly Deduction[], within?: Tx): Promise<boolean> {
    const run = <T>(fn: (tx: Tx) => Promise<T>) => (within ? fn(within) : this.prisma.$transaction(fn));
    return run(async (tx) => {
      const ins = await tx.inspection.findUnique({ where: { id }, include: { deductions: true } });
      if (!ins || ins.status !== 'ASSIGNED') return false;
      const before: Record<string, { points: number; reason: string }> = {};
      const after: Record<string, { points: number; reason: string } | null> = {};
      for (const e of entries) {
        const prior = ins.deductions.find((d) => d.itemId === e.itemId);
        const unchanged = prior ? prior.points === e.points && prior.reason === e.reason.trim() : e.points === 0;
        if (unchanged) continue;
        if (prior) before[e.itemId] = { points: prior.points, reason: prior.reason };
        const where = { inspectionId_itemId: { inspectionId: id, itemId: e.itemId } };
        if (e.points === 0) {
          if (prior) await tx.inspectionDeduction.delete({ where });
          after[e.itemId] = null;
        } else {
          const data = { points: e.points, reason: e.reason.trim(), updatedAt: this.now() };
          await tx.inspectionDeduction.upsert({ where, create: { inspectionId: id, itemId: e.itemId, ...data }, update: data });
          after[e.itemId] = { points: e.points, reason: e.reason.trim() };
        }
      }
      if (Object.keys(after).length) await audit(tx, { actorId, action: 'inspection.draft', target: `inspection:${id}`, before, after, at: this.now() });
      return true;
    });
  }

  /** ASSIGNED → SUBMITTED, once; `summary` (the totals) goes into the audit row. */
  async submit(actorId: string, id: number, summary: unknown, within?: Tx): Promise<boolean> {
    const run = <T>(fn: (tx: Tx) => Promise<T>) => (within ? fn(within) : this.prisma.$transaction(fn));
    return run(async (tx) => {
      const res = await tx.inspection.updateMany({ where: { id, status: 'ASSIGNED' }, data: { status: 'SUBMITTED', submittedAt: this.now() } });
      if (res.count !== 1) return false;
      await audit(tx, { actorId, action: 'inspection.submit', target: `inspection:${id}`, before: { status: 'ASSIGNED' }, after: { status: 'SUBMITTED', ...(summary as object) }, at: this.now() });
      return true;
    });
  }

  /** ASSIGNED → RECUSED with the inspector's reason; drafts are kept for the record but never count. */
  async recuse(actorId: string, id: number, reason: string, within?: Tx): Promise<boolean> {
    const run = <T>(fn: (tx: Tx) => Promise<T>) => (within ? fn(within) : this.prisma.$transaction(fn));
    return run(async (tx) => {
      const res = await tx.inspection.updateMany({ where: { id, status: 'ASSIGNED' }, data: { status: 'RECUSED', recusedAt: this.now(), recuseReason: reason } });
      if (res.count !== 1) return false;
      await audit(tx, { actorId, action: 'inspection.recuse', target: `inspection:${id}`, before: { status: 'ASSIGNED' }, after: { status: 'RECUSED', reason }, at: this.now() });
      return true;
    });
  }
}

type Row = { id: number; applicationId: number; inspectorOpenId: string; kind: string; rubricId: string; status: string; assignedBy: string; submittedAt: Date | null; deductions: Array<{ itemId: string; points: number; reason: string }> };

function view(r: Row): InspectionView {
  return {
    id: r.id, applicationId: r.applicationId, inspectorOpenId: r.inspectorOpenId, kind: r.kind as CheckKind, rubricId: r.rubricId,
    status: r.status as InspectionStatus, assignedBy: r.assignedBy, submittedAt: r.submittedAt,
    deductions: r.deductions.map((d) => ({ itemId: d.itemId, points: d.points, reason: d.reason })),
  };
}
