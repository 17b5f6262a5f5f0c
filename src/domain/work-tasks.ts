/** Why: which Feishu tasks should exist, be changed, completed or deleted is a pure function of (state, today), table-tested without Feishu. */

import { compareDates, type LocalDate } from './dates.ts';

export interface TaskCampaign {
  id: number;
  status: string;
  /** The campaign's own switch (/tasks on|off); the global one is TaskPlanInput.enabled. */
  tasksEnabled: boolean;
  milestones: Array<{ key: string; startsOn: LocalDate; endsOn: LocalDate | null; tiers: string[] }>;
}

export interface TaskApplication {
  id: number;
  campaignId: number;
  status: string;
  managerOpenId: string;
  unitName: string;
  tier: string;
  /** Required checklist items not done yet, as shown to the manager ("3. 标题"). */
  missing: string[];
}

export interface TaskInspection {
  id: number;
  campaignId: number;
  applicationId: number;
  inspectorOpenId: string;
  status: string;
  unitName: string;
  tier: string;
  kind: string;
}

/** The latest task row the bot holds for one piece of work. */
export interface ExistingTask {
  id: number;
  kind: 'application' | 'inspection';
  /** The application or inspection id. */
  refId: number;
  milestone: string;
  status: 'open' | 'completed' | 'deleted';
  closeReason: string | null;
  /** The missing items its description was last built from. */
  detail: string[];
  /** The due date it was last given (null: none). */
  dueOn: LocalDate | null;
}

export interface TaskPlanInput {
  today: LocalDate;
  /** The global switch (TASKS_ENABLED). */
  enabled: boolean;
  /** Milestones before which a manager with missing required items gets a task (policy: tasks.applicationMilestones). */
  applicationMilestones: string[];
  /** The milestone whose last day an inspector's task is due on (policy: tasks.inspectionMilestone). */
  inspectionMilestone: string;
  campaigns: TaskCampaign[];
  applications: TaskApplication[];
  inspections: TaskInspection[];
  existing: ExistingTask[];
}

export type CompleteReason = 'items_done' | 'submitted' | 'inspection_submitted';
export type DeleteReason = 'campaign_closed' | 'tasks_off' | 'recused' | 'round_over' | 'gone';
/**
 * A task Feishu refused to create is closed with closeReason 'create_failed' and not planned again (a missing scope would
 * otherwise be retried for every application on every tick); switching the campaign's tasks back on retries it.
 */
export const CREATE_FAILED = 'create_failed';

export type TaskAction =
  | { do: 'create'; kind: 'application'; campaignId: number; applicationId: number; milestone: string; assignee: string; dueOn: LocalDate; unitName: string; tier: string; missing: string[] }
  | { do: 'create'; kind: 'inspection'; campaignId: number; inspectionId: number; applicationId: number; milestone: string; assignee: string; dueOn: LocalDate | null; unitName: string; tier: string; checkKind: string }
  /** The description (missing items) or the due date changed, e.g. an application deadline was extended. */
  | { do: 'update'; taskId: number; missing: string[]; dueOn: LocalDate | null }
  | { do: 'reopen'; taskId: number; missing: string[] }
  | { do: 'complete'; taskId: number; reason: CompleteReason }
  | { do: 'delete'; taskId: number; reason: DeleteReason };

/** Campaign statuses in which inspectors' tasks live (inspections follow the close of applications). */
const INSPECTION_STATUSES = ['OPEN', 'CLOSED'];

const deadlineOf = (m: { startsOn: LocalDate; endsOn: LocalDate | null }): LocalDate => m.endsOn ?? m.startsOn;
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const appTaskKey = (applicationId: number, milestone: string) => `app:${applicationId}:${milestone}`;
export const inspTaskKey = (inspectionId: number) => `insp:${inspectionId}`;

/**
 * What to do so that Feishu's tasks match the work people still have:
 * - a manager gets one task per application and milestone while required items are missing and the campaign is open;
 *   it is created only while the deadline is ahead, its description follows the missing items, it is completed when
 *   they are all done or the application is submitted, reopened if an item is undone, deleted when the campaign
 *   closes or tasks are switched off;
 * - an inspector gets one task per assigned check; completed when submitted, deleted when recused or the round is over.
 * A caller may plan one application, one campaign, or everything, but must pass the work of every existing task it
 * passes: an open task whose application or inspection is not given is taken as gone and deleted.
 */
export function planTasks(input: TaskPlanInput): TaskAction[] {
  const out: TaskAction[] = [];
  const campaigns = new Map(input.campaigns.map((c) => [c.id, c]));
  const existing = new Map(input.existing.map((e) => [e.kind === 'application' ? appTaskKey(e.refId, e.milestone) : inspTaskKey(e.refId), e]));
  const on = (c: TaskCampaign | undefined) => input.enabled && !!c && c.tasksEnabled;
  const handled = new Set<string>();

  for (const a of input.applications) {
    const c = campaigns.get(a.campaignId);
    for (const key of input.applicationMilestones) {
      const m = c?.milestones.find((x) => x.key === key);
      const k = appTaskKey(a.id, key);
      handled.add(k);
      const e = existing.get(k);
      const wanted = on(c) && c!.status === 'OPEN' && !!m && m.tiers.includes(a.tier) && a.status === 'DRAFT' && a.missing.length > 0;
      if (!e || (e.status === 'deleted' && e.closeReason !== CREATE_FAILED)) {
        if (wanted && compareDates(input.today, deadlineOf(m!)) <= 0) {
          out.push({ do: 'create', kind: 'application', campaignId: a.campaignId, applicationId: a.id, milestone: key, assignee: a.managerOpenId, dueOn: deadlineOf(m!), unitName: a.unitName, tier: a.tier, missing: a.missing });
        }
      } else if (e.status === 'open') {
        if (wanted) {
          if (!same(e.detail, a.missing) || e.dueOn !== deadlineOf(m!)) out.push({ do: 'update', taskId: e.id, missing: a.missing, dueOn: deadlineOf(m!) });
        } else if (a.status !== 'DRAFT') out.push({ do: 'complete', taskId: e.id, reason: 'submitted' });
        else if (a.missing.length === 0) out.push({ do: 'complete', taskId: e.id, reason: 'items_done' });
        else out.push({ do: 'delete', taskId: e.id, reason: !c || !m ? 'gone' : c.status !== 'OPEN' ? 'campaign_closed' : !on(c) ? 'tasks_off' : 'gone' });
      } else if (e.closeReason === 'items_done' && wanted) {
        out.push({ do: 'reopen', taskId: e.id, missing: a.missing });
      }
    }
  }

  for (const i of input.inspections) {
    const c = campaigns.get(i.campaignId);
    const k = inspTaskKey(i.id);
    handled.add(k);
    const e = existing.get(k);
    const wanted = on(c) && INSPECTION_STATUSES.includes(c!.status) && i.status === 'ASSIGNED';
    if (!e || (e.status === 'deleted' && e.closeReason !== CREATE_FAILED)) {
      if (wanted) {
        const m = c!.milestones.find((x) => x.key === input.inspectionMilestone);
        out.push({ do: 'create', kind: 'inspection', campaignId: i.campaignId, inspectionId: i.id, applicationId: i.applicationId, milestone: input.inspectionMilestone, assignee: i.inspectorOpenId, dueOn: m ? deadlineOf(m) : null, unitName: i.unitName, tier: i.tier, checkKind: i.kind });
      }
    } else if (e.status === 'open' && wanted) {
      const m = c!.milestones.find((x) => x.key === input.inspectionMilestone);
      const due = m ? deadlineOf(m) : null;
      if (e.dueOn !== due) out.push({ do: 'update', taskId: e.id, missing: [], dueOn: due });
    } else if (e.status === 'open' && !wanted) {
      if (i.status === 'SUBMITTED') out.push({ do: 'complete', taskId: e.id, reason: 'inspection_submitted' });
      else out.push({ do: 'delete', taskId: e.id, reason: i.status === 'RECUSED' ? 'recused' : !c || !INSPECTION_STATUSES.includes(c.status) ? 'round_over' : !on(c) ? 'tasks_off' : 'gone' });
    }
  }

  // Open tasks whose work is no longer there at all (an application or inspection that vanished).
  for (const [k, e] of existing) if (!handled.has(k) && e.status === 'open') out.push({ do: 'delete', taskId: e.id, reason: 'gone' });
  return out;
}
