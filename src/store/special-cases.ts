/** Why: special-case requests (第十一条 last paragraph): filed by a manager, decided once by the secretariat, audited. */
import type { Db, PrismaClient } from './db.ts';
import { audit } from './audit.ts';

export interface SpecialCaseView {
  id: number;
  campaignId: number;
  managerOpenId: string;
  unitName: string;
  bankId: number | null;
  regionId: number | null;
  answers: Record<string, unknown>;
  failures: Array<{ clause: number; code: string; eligibleFrom?: string }>;
  explanation: string | null;
  status: 'PENDING' | 'APPROVED' | 'DENIED' | 'USED';
  reason: string | null;
}

export class SpecialCaseStore {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  private view(r: { id: number; campaignId: number; managerOpenId: string; unitName: string; bankId: number | null; regionId: number | null; answers: string; failures: string; explanation: string | null; status: string; reason: string | null }): SpecialCaseView {
    return { id: r.id, campaignId: r.campaignId, managerOpenId: r.managerOpenId, unitName: r.unitName, bankId: r.bankId, regionId: r.regionId, explanation: r.explanation, reason: r.reason, answers: JSON.parse(r.answers) as Record<string, unknown>, failures: JSON.parse(r.failures) as SpecialCaseView['failures'], status: r.status as SpecialCaseView['status'] };
  }

  async get(id: number, db: Db = this.prisma): Promise<SpecialCaseView | null> {
    const r = await db.specialCase.findUnique({ where: { id } });
    return r ? this.view(r) : null;
  }

  async file(actorId: string, d: { campaignId: number; unitName: string; answers: object; failures: object[]; explanation: string }): Promise<SpecialCaseView> {
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.specialCase.create({
        data: { campaignId: d.campaignId, managerOpenId: actorId, unitName: d.unitName, answers: JSON.stringify(d.answers), failures: JSON.stringify(d.failures), explanation: d.explanation, createdAt: this.now() },
      });
      await audit(tx, { actorId, action: 'special_case.file', target: `special_case:${r.id}`, before: null, after: { unitName: d.unitName, failures: d.failures }, at: this.now() });
      return this.view(r);
    });
  }

  /** Decides a pending request once; a second decision finds it decided and returns false. */
  async decide(actorId: string, id: number, approve: boolean, reason: string | null): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const to = approve ? 'APPROVED' : 'DENIED';
      const res = await tx.specialCase.updateMany({ where: { id, status: 'PENDING' }, data: { status: to, decidedBy: actorId, reason, decidedAt: this.now() } });
      if (res.count !== 1) return false;
      await audit(tx, { actorId, action: `special_case.${to.toLowerCase()}`, target: `special_case:${id}`, before: { status: 'PENDING' }, after: { status: to, reason }, at: this.now() });
      return true;
    });
  }
}
