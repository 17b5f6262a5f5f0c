/** Why: reminders need data other features own (applications and their checklists, inspection schedules); these seams let those features plug it in. */
import type { PrismaClient } from '../store/db.ts';
import type { IncompleteApplication, InspectionVisit } from '../domain/reminders.ts';
import { progress, type Checklist, type ChecklistState } from '../domain/checklist.ts';
import { inChunks } from '../store/chunks.ts';

export type { IncompleteApplication, InspectionVisit };

/** Who has an application still to finish, and what it lacks. */
export interface ApplicationProgressSource {
  /** Applications of the campaign not yet submitted, with their manager and the checklist items still missing. */
  incomplete(campaignId: number): Promise<IncompleteApplication[]>;
}

/**
 * What each application still lacks, by application id (the checklist feature knows; absent ids mean "not known").
 * Plug it in with `createApp({ reminderSources: { missingItems } })` or `new DbApplicationProgress(prisma, missingItems)`.
 */
export type MissingItems = (applicationIds: number[]) => Promise<Map<number, string[]>>;

/**
 * Missing items as the application checklist (prompts/zh-CN/checklist.yaml) sees them: the required items not yet
 * done, written "3. 标题" as the application dialog shows them. One query for the whole batch.
 */
export function checklistMissing(prisma: PrismaClient, checklist: Checklist): MissingItems {
  return async (ids) => {
    const out = new Map<number, string[]>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await prisma.application.findMany({ where: { id: { in: ids.slice(i, i + 500) } }, select: { id: true, checklist: true } });
      for (const r of rows) {
        let state: ChecklistState = {};
        try {
          state = JSON.parse(r.checklist) as ChecklistState;
        } catch {
          // A corrupt progress record counts as nothing done: the reminder then lists every required item.
        }
        out.set(r.id, progress(checklist, state).missing.map((x) => `${x.no}. ${x.item.title}`));
      }
    }
    return out;
  };
}

/** The inspection visits of a campaign (issue 6). */
export interface InspectionScheduleSource {
  visits(campaignId: number): Promise<InspectionVisit[]>;
}

export interface ReminderSources {
  applications: ApplicationProgressSource;
  inspections: InspectionScheduleSource;
}

/**
 * Default: reads the Application table (status DRAFT = not yet submitted) joined to Unit for the unit's name, region
 * and bank. `missing` comes from `missingItems` when given; without it a reminder says "not yet submitted" only.
 */
export class DbApplicationProgress implements ApplicationProgressSource {
  constructor(private readonly prisma: PrismaClient, private readonly missingItems?: MissingItems) {}

  async incomplete(campaignId: number): Promise<IncompleteApplication[]> {
    const apps = await this.prisma.application.findMany({
      where: { campaignId, status: 'DRAFT' },
      select: { id: true, unitId: true, tier: true, managerOpenId: true },
      orderBy: { id: 'asc' },
    });
    if (!apps.length) return [];
    // In parts: SQLite through Prisma's adapter takes at most 999 bound parameters per query.
    const units = await inChunks([...new Set(apps.map((a) => a.unitId))], (ids) => this.prisma.unit.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, regionId: true, memberUnitId: true } }));
    const unitOf = new Map(units.map((u) => [u.id, u]));
    const missing = this.missingItems ? await this.missingItems(apps.map((a) => a.id)) : new Map<number, string[]>();
    return apps.flatMap((a) => {
      const u = unitOf.get(a.unitId);
      if (!u) return [];
      return [{ applicationId: a.id, managerOpenId: a.managerOpenId, unitName: u.name, regionId: u.regionId, memberUnitId: u.memberUnitId, tier: a.tier, missing: missing.get(a.id) ?? [] }];
    });
  }
}

/**
 * Inspections assigned (issue 6) and not recused: one visit per (inspector, application), `done` once submitted.
 * Assignments carry no planned date, so the schedule is "these units, within the inspection window".
 */
export class DbInspectionSchedule implements InspectionScheduleSource {
  constructor(private readonly prisma: PrismaClient) {}

  async visits(campaignId: number): Promise<InspectionVisit[]> {
    const apps = await this.prisma.application.findMany({ where: { campaignId, status: 'PRESELECTED' }, select: { id: true, tier: true, unitId: true } });
    if (!apps.length) return [];
    const rows = await this.prisma.inspection.findMany({ where: { applicationId: { in: apps.map((a) => a.id) }, recusedAt: null } });
    const units = new Map((await this.prisma.unit.findMany({ where: { id: { in: apps.map((a) => a.unitId) } } })).map((u) => [u.id, u]));
    const appById = new Map(apps.map((a) => [a.id, a]));
    return rows.flatMap((r) => {
      const a = appById.get(r.applicationId);
      const u = a && units.get(a.unitId);
      if (!a || !u) return [];
      return [{ inspectorOpenId: r.inspectorOpenId, applicationId: a.id, unitName: u.name, regionId: u.regionId, memberUnitId: u.memberUnitId, tier: a.tier, date: null, kind: r.kind, done: r.status === 'SUBMITTED' }];
    });
  }
}

export function defaultSources(prisma: PrismaClient, o: Partial<ReminderSources> & { missingItems?: MissingItems } = {}): ReminderSources {
  return {
    applications: o.applications ?? new DbApplicationProgress(prisma, o.missingItems),
    inspections: o.inspections ?? new DbInspectionSchedule(prisma),
  };
}
