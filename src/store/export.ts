/** Why: the round's archive (第七条第（六）项) as four tables: applications, scores, results and the audit log, for the whole country or one region. */
import type { PrismaClient } from './db.ts';
import type { ResultStore } from './results.ts';
import type { RubricSet } from './rubrics.ts';
import { findItem } from '../domain/rubric.ts';

export type Cell = string | number | null;
export const TABLE_KEYS = ['applications', 'scores', 'results', 'audit'] as const;
export type TableKey = (typeof TABLE_KEYS)[number];

export interface Table {
  key: TableKey;
  rows: Cell[][];
}

export interface ExportScope {
  campaignId: number;
  campaignName: string;
  tiers: string[];
  /** 'all' for the secretariat; a regional admin's own regions otherwise. */
  regionIds: 'all' | number[];
}

/** Words the tables need (tier, kind, status and yes/no labels), so this file holds no user-visible text. */
export interface ExportLabels {
  tier(id: string): string;
  kind(id: string): string;
  yes: string;
  no: string;
  pending: string;
  tie(rule: string): string;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function buildTables(deps: { prisma: PrismaClient; results: ResultStore; rubrics: RubricSet }, scope: ExportScope, l: ExportLabels): Promise<Table[]> {
  const { prisma } = deps;
  const regions = await prisma.region.findMany({ where: scope.regionIds === 'all' ? {} : { id: { in: scope.regionIds } }, orderBy: { id: 'asc' } });
  const regionIds = regions.map((r) => r.id);
  const units = await prisma.unit.findMany({ where: { regionId: { in: regionIds } }, include: { region: true, memberUnit: true } });
  const unitOf = new Map(units.map((u) => [u.id, u]));
  const apps = await prisma.application.findMany({ where: { campaignId: scope.campaignId, unitId: { in: units.map((u) => u.id) } }, orderBy: { id: 'asc' } });
  const appOf = new Map(apps.map((a) => [a.id, a]));

  const applications: Cell[][] = apps.map((a) => {
    const u = unitOf.get(a.unitId)!;
    return [a.id, scope.campaignName, u.region.name, u.memberUnit.name, u.name, l.tier(a.tier), a.status, a.managerOpenId, iso(a.submittedAt)];
  });

  const inspections = await prisma.inspection.findMany({ where: { applicationId: { in: apps.map((a) => a.id) } }, include: { deductions: true }, orderBy: { id: 'asc' } });
  const scores: Cell[][] = [];
  for (const ins of inspections) {
    const unit = unitOf.get(appOf.get(ins.applicationId)!.unitId)!;
    const rubric = deps.rubrics.get(ins.rubricId);
    const base: Cell[] = [ins.id, ins.applicationId, unit.name, l.kind(ins.kind), ins.inspectorOpenId, ins.status, ins.rubricId];
    if (!ins.deductions.length) scores.push([...base, null, null, null, 0, null, iso(ins.submittedAt)]);
    for (const d of ins.deductions) {
      const item = rubric ? findItem(rubric, d.itemId)?.item : undefined;
      scores.push([...base, d.itemId, item?.name ?? null, item?.max ?? null, d.points, d.reason, iso(ins.submittedAt)]);
    }
  }

  const results: Cell[][] = [];
  for (const r of regions) {
    for (const tier of scope.tiers) {
      const s = await deps.results.standing(scope.campaignId, r.id, tier);
      for (const x of s.ranked) {
        const c = x.candidate;
        results.push([r.name, l.tier(tier), s.quota, x.rank, c.name, c.bankName, c.total, c.passed ? l.yes : l.no, c.majorDeductions, c.module1, x.withinQuota ? l.yes : l.no, x.selected ? l.yes : l.no, x.decidedBy ? l.tie(x.decidedBy) : null]);
      }
      for (const p of s.pending) results.push([r.name, l.tier(tier), s.quota, null, p.unit.name, p.bank.name, null, l.pending, null, null, null, null, null]);
    }
  }

  const log = await prisma.auditLog.findMany({ orderBy: { id: 'asc' } });
  const mine = scope.regionIds === 'all' ? null : regionTargets(regionIds, apps.map((a) => a.id), inspections.map((i) => i.id), units.map((u) => u.id));
  const audit: Cell[][] = log.filter((row) => !mine || (row.target !== null && mine(row.target))).map((row) => [row.id, iso(row.at), row.actorId, row.action, row.target, row.before, row.after]);

  return [
    { key: 'applications', rows: applications },
    { key: 'scores', rows: scores },
    { key: 'results', rows: results },
    { key: 'audit', rows: audit },
  ];
}

/** Which audit targets concern a region: its applications, their inspections, the region itself, its quotas and its units' objections. */
function regionTargets(regionIds: number[], appIds: number[], inspectionIds: number[], unitIds: number[]): (target: string) => boolean {
  const exact = new Set([...regionIds.map((r) => `region:${r}`), ...appIds.map((a) => `application:${a}`), ...inspectionIds.map((i) => `inspection:${i}`)]);
  const regionPart = new Set(regionIds.map((r) => `region:${r}`));
  const unitPart = new Set(unitIds.map((u) => `unit:${u}`));
  return (target) => exact.has(target) || target.split('/').some((p) => regionPart.has(p) || unitPart.has(p));
}
