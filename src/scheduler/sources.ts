/** Why: reminders need data other features own (applications and their checklists, inspection schedules); these seams let those features plug it in. */
import type { PrismaClient } from '../store/db.ts';
import type { IncompleteApplication, InspectionVisit } from '../domain/reminders.ts';
import { progress, type Checklist, type ChecklistState } from '../domain/checklist.ts';

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
    const units = await this.prisma.unit.findMany({
      where: { id: { in: [...new Set(apps.map((a) => a.unitId))] } },
      select: { id: true, name: true, regionId: true, memberUnitId: true },
    });
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
 * Default until inspections exist (issue 6): nobody has a schedule, so inspectors get no reminders and nothing about
 * inspections is escalated. Issue 6 replaces it with a source that reads its assignment table: one row per
 * (inspector, application) with the planned date, the kind of check (现场检查 / 暗访 / 档案) and whether it is done.
 */
export const noInspections: InspectionScheduleSource = {
  visits: async () => [],
};

export function defaultSources(prisma: PrismaClient, o: Partial<ReminderSources> & { missingItems?: MissingItems } = {}): ReminderSources {
  return {
    applications: o.applications ?? new DbApplicationProgress(prisma, o.missingItems),
    inspections: o.inspections ?? noInspections,
  };
}
