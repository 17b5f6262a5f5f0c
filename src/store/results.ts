/** Why: a round's results in one place: its rubric, each application's combined score, regional rankings, publicity and naming. */
import type { Db, PrismaClient } from './db.ts';
import type { Work } from './atomic.ts';
import { audit } from './audit.ts';
import type { RubricSet } from './rubrics.ts';
import type { CandidateView, InspectionStore } from './inspections.ts';
import type { CheckKind, Rubric } from '../domain/rubric.ts';
import { combineChecks, scoreSheet, type ScoreSheet } from '../domain/scoring.ts';
import { rankCandidates, type Candidate, type Ranked } from '../domain/ranking.ts';

export interface ApplicationResult {
  candidate: CandidateView;
  rubric: Rubric;
  sheet: ScoreSheet;
  /** Kinds of submitted checks, e.g. ['onsite', 'mystery']. */
  kinds: CheckKind[];
  /** True once an onsite check is submitted: only then does the application rank. */
  complete: boolean;
}

export interface RankRow extends Candidate {
  unitId: number;
  bankName: string;
}

export interface Standing {
  regionId: number;
  regionName: string;
  tier: string;
  quota: number | null;
  ranked: Ranked<RankRow>[];
  /** Preselected candidates without a submitted onsite check yet. */
  pending: CandidateView[];
}

/** What publicity and announcement name: one entry per region and tier. */
export type PublishedList = Array<{ regionId: number; regionName: string; tier: string; units: Array<{ applicationId: number; unitName: string; bankName: string; total: number; rank: number }> }>;

export interface RoundView {
  campaignId: number;
  rubricId: string;
  chosen: boolean;
  publishedAt: Date | null;
  publicityEndsOn: string | null;
  publishedList: PublishedList | null;
  recheckStartedAt: Date | null;
  announcedAt: Date | null;
}

export class RubricMissingError extends Error {
  constructor(readonly rubricId: string) {
    super(`Rubric "${rubricId}" is used by this campaign but no file in prompts/zh-CN/rubrics declares it. Restore that file; do not rename a rubric in use.`);
    this.name = 'RubricMissingError';
  }
}

export class ResultStore {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date, private readonly rubrics: RubricSet, private readonly inspections: InspectionStore) {}

  async round(campaignId: number, db: Db = this.prisma): Promise<RoundView> {
    const r = await db.resultRound.findUnique({ where: { campaignId } });
    if (!r) return { campaignId, rubricId: this.rubrics.defaultId, chosen: false, publishedAt: null, publicityEndsOn: null, publishedList: null, recheckStartedAt: null, announcedAt: null };
    return {
      campaignId, rubricId: r.rubricId, chosen: true, publishedAt: r.publishedAt, publicityEndsOn: r.publicityEndsOn,
      publishedList: r.publishedList ? (JSON.parse(r.publishedList) as PublishedList) : null, recheckStartedAt: r.recheckStartedAt, announcedAt: r.announcedAt,
    };
  }

  async rubricFor(campaignId: number, db: Db = this.prisma): Promise<Rubric> {
    const { rubricId } = await this.round(campaignId, db);
    const r = this.rubrics.get(rubricId);
    if (!r) throw new RubricMissingError(rubricId);
    return r;
  }

  /** Pins the campaign's rubric (the default unless chosen), so every check of the round uses the same sheet. */
  async pinRubric(actorId: string, campaignId: number): Promise<Rubric> {
    const round = await this.round(campaignId);
    if (!round.chosen) await this.chooseRubric(actorId, campaignId, round.rubricId);
    return this.rubricFor(campaignId);
  }

  /** Chooses the rubric; refused (returns the number of checks) once any inspection of the round uses another one. */
  async chooseRubric(actorId: string, campaignId: number, rubricId: string): Promise<{ ok: true } | { ok: false; inUse: number; current: string }> {
    return this.prisma.$transaction(async (tx) => {
      const prior = await tx.resultRound.findUnique({ where: { campaignId } });
      const apps = await tx.application.findMany({ where: { campaignId }, select: { id: true } });
      const inUse = await tx.inspection.count({ where: { applicationId: { in: apps.map((a) => a.id) }, rubricId: { not: rubricId } } });
      if (inUse) return { ok: false, inUse, current: prior?.rubricId ?? this.rubrics.defaultId };
      if (prior?.rubricId === rubricId) return { ok: true };
      await tx.resultRound.upsert({ where: { campaignId }, create: { campaignId, rubricId, chosenBy: actorId }, update: { rubricId, chosenBy: actorId } });
      await audit(tx, { actorId, action: 'rubric.choose', target: `campaign:${campaignId}`, before: prior ? { rubricId: prior.rubricId } : null, after: { rubricId }, at: this.now() });
      return { ok: true };
    });
  }

  /** An application's combined result over its submitted checks (null before any check is submitted). */
  async result(applicationId: number, db: Db = this.prisma): Promise<ApplicationResult | null> {
    const candidate = await this.inspections.candidate(applicationId, db);
    if (!candidate) return null;
    const submitted = (await this.inspections.ofApplication(applicationId, db)).filter((i) => i.status === 'SUBMITTED');
    if (!submitted.length) return null;
    const rubric = await this.rubricFor(candidate.campaignId, db);
    const sheet = scoreSheet(rubric, combineChecks(submitted));
    const kinds = [...new Set(submitted.map((i) => i.kind))];
    return { candidate, rubric, sheet, kinds, complete: kinds.includes('onsite') };
  }

  /** Ranks a region's preselected candidates of one tier (those with a submitted onsite check) against its quota. */
  async standing(campaignId: number, regionId: number, tier: string): Promise<Standing> {
    const region = await this.prisma.region.findUniqueOrThrow({ where: { id: regionId } });
    const quota = (await this.prisma.quota.findUnique({ where: { campaignId_regionId_tier: { campaignId, regionId, tier } } }))?.quota ?? null;
    const units = await this.prisma.unit.findMany({ where: { regionId }, select: { id: true } });
    const apps = await this.prisma.application.findMany({ where: { campaignId, tier, status: 'PRESELECTED', unitId: { in: units.map((u) => u.id) } }, orderBy: { id: 'asc' } });
    const rows: RankRow[] = [];
    const pending: CandidateView[] = [];
    for (const a of apps) {
      const r = await this.result(a.id);
      if (!r || !r.complete) {
        const c = await this.inspections.candidate(a.id);
        if (c) pending.push(c);
        continue;
      }
      rows.push({
        applicationId: a.id, name: r.candidate.unit.name, unitId: r.candidate.unit.id, bankName: r.candidate.bank.name, total: r.sheet.total, passed: r.sheet.passed,
        majorDeductions: r.sheet.majorCount, module1: r.sheet.modules[0]?.score ?? 0, submittedAt: a.submittedAt ? a.submittedAt.getTime() : null,
      });
    }
    const rule = (await this.rubricFor(campaignId)).scoring.tieBreak;
    return { regionId, regionName: region.name, tier, quota, ranked: rankCandidates(rows, quota ?? 0, rule), pending };
  }

  /** Records the publicity list in the caller's transaction (the decision was made there: src/domain/results-round.ts). */
  async publishIn(w: Work, actorId: string, campaignId: number, list: PublishedList, endsOn: string): Promise<void> {
    const data = { publishedAt: w.now, publishedBy: actorId, publicityEndsOn: endsOn, publishedList: JSON.stringify(list) };
    await w.tx.resultRound.upsert({ where: { campaignId }, create: { campaignId, rubricId: this.rubrics.defaultId, chosenBy: actorId, ...data }, update: data });
    await w.audit(actorId, 'results.publish', `campaign:${campaignId}`, null, { units: list.reduce((n, g) => n + g.units.length, 0), endsOn });
  }

  /** Marks the round announced in the caller's transaction; false when it already was. */
  async markAnnouncedIn(w: Work, actorId: string, campaignId: number, named: number): Promise<boolean> {
    const res = await w.tx.resultRound.updateMany({ where: { campaignId, announcedAt: null, publishedAt: { not: null } }, data: { announcedAt: w.now, announcedBy: actorId } });
    if (res.count !== 1) return false;
    await w.audit(actorId, 'results.announce', `campaign:${campaignId}`, null, { announced: true, named });
    return true;
  }
}
