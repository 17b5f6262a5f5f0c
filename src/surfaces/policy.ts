/** Why: which milestones get tasks and urgent marks, when, and the dashboard's batch size are data (prompts/zh-CN/surfaces.yaml), checked at start. */
import { z } from 'zod';
import { readPromptFile, PROMPTS_DIR } from '../prompts/index.ts';
import { MILESTONE_IDS, formatPath, type CycleTemplate, type TemplateIssue } from '../domain/cycle-template.ts';
import { inQuietWindow, type ReminderPolicy } from '../domain/reminder-policy.ts';
import { MAX_BATCH } from '../domain/dashboard-rows.ts';

export const SURFACE_POLICY_FILE = 'prompts/zh-CN/surfaces.yaml';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time written HH:mm, e.g. "15:00"');
const milestone = z.enum(MILESTONE_IDS);

export const surfacePolicySchema = z.strictObject({
  version: z.literal(1),
  tasks: z.strictObject({ applicationMilestones: z.array(milestone), inspectionMilestone: milestone }),
  urgent: z.strictObject({ milestones: z.array(milestone), at: hhmm }),
  dashboard: z.strictObject({ batchSize: z.number().int().min(1).max(MAX_BATCH) }),
});

export type SurfacePolicy = z.infer<typeof surfacePolicySchema>;

export class SurfacePolicyError extends Error {
  override readonly name = 'SurfacePolicyError';
  constructor(readonly issues: readonly TemplateIssue[]) {
    super(issues.map((i) => `${SURFACE_POLICY_FILE}: ${i.path}: ${i.message}`).join('\n'));
  }
}

/** Parses and checks the policy, also against the cycle (milestones exist) and the reminders' quiet hours. */
export function parseSurfacePolicy(data: unknown, o: { cycle?: CycleTemplate; reminders?: ReminderPolicy } = {}): SurfacePolicy {
  const r = surfacePolicySchema.safeParse(data);
  if (!r.success) throw new SurfacePolicyError(r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const p = r.data;
  const issues: TemplateIssue[] = [];
  if (o.cycle) {
    const ids = new Set(o.cycle.milestones.map((m) => m.id));
    const check = (id: string, path: string) => !ids.has(id as never) && issues.push({ path, message: `"${id}" is not a milestone of cycle.yaml` });
    p.tasks.applicationMilestones.forEach((id, i) => check(id, `tasks.applicationMilestones[${i}]`));
    check(p.tasks.inspectionMilestone, 'tasks.inspectionMilestone');
    p.urgent.milestones.forEach((id, i) => check(id, `urgent.milestones[${i}]`));
  }
  const quiet = o.reminders?.quietHours;
  if (quiet && inQuietWindow(quiet, Number(p.urgent.at.slice(0, 2)) * 60 + Number(p.urgent.at.slice(3)))) {
    issues.push({ path: 'urgent.at', message: `${p.urgent.at} falls inside quietHours ${quiet.start}–${quiet.end} of reminders.yaml; pick a time outside them` });
  }
  if (issues.length) throw new SurfacePolicyError(issues);
  return p;
}

export function loadSurfacePolicyFile(o: { cycle?: CycleTemplate; reminders?: ReminderPolicy } = {}, dir = PROMPTS_DIR): SurfacePolicy {
  return parseSurfacePolicy(readPromptFile('surfaces.yaml', dir), o);
}
