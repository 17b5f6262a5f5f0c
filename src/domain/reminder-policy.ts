/** Why: who is reminded of what, when, and when not, is policy that changes between rounds, so it is data (prompts/zh-CN/reminders.yaml) checked here on load. */

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MILESTONE_IDS, formatPath, type CycleTemplate, type MilestoneId, type TemplateIssue } from './cycle-template.ts';

/**
 * Who a milestone reminder goes to. Each kind has its own content:
 * - branch_manager: a manager with an incomplete (unsubmitted) application, listing what is still missing
 * - region_group: the region's bound group chat, with submitted counts against quota and days left
 * - member_admin: a member-unit admin, with their bank's review backlog (skipped when it is empty)
 * - inspector: an inspector, with their inspection schedule (skipped when they have none)
 * - secretariat: each 中银协 secretariat member, a plain notice of the milestone
 */
export const REMINDER_AUDIENCES = ['branch_manager', 'region_group', 'member_admin', 'inspector', 'secretariat'] as const;
export type ReminderAudience = (typeof REMINDER_AUDIENCES)[number];

export const CAMPAIGN_STATUSES_FOR_REMINDERS = ['OPEN', 'CLOSED', 'ANNOUNCED'] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time written HH:mm, e.g. "09:00"');
const offsets = z.array(z.number().int().min(0).max(366)).min(1);
const statuses = z.array(z.enum(CAMPAIGN_STATUSES_FOR_REMINDERS)).min(1);

const milestonePolicySchema = z.strictObject({
  /** Which date the offsets count back from: the window's first day (start) or its last day (end). */
  anchor: z.enum(['start', 'end']).default('start'),
  offsets: offsets.optional(),
  at: hhmm.optional(),
  audiences: z.array(z.enum(REMINDER_AUDIENCES)),
  /** Campaign statuses in which these reminders are sent. */
  statuses: statuses.optional(),
});

export const reminderPolicySchema = z
  .strictObject({
    version: z.literal(1),
    /** node-cron expression for the tick, run in BOT_TIMEZONE. */
    tick: z.string().min(9),
    sendAt: hhmm,
    defaultOffsets: offsets,
    /** Offsets that /mute cannot silence (the due day). */
    criticalOffsets: z.array(z.number().int().min(0)).default([0]),
    statuses: statuses.default(['OPEN', 'CLOSED', 'ANNOUNCED']),
    quietHours: z.strictObject({ start: hhmm, end: hhmm, weekends: z.boolean() }).nullable(),
    catchUp: z.strictObject({ firstRunLookbackHours: z.number().int().min(0).max(24 * 30) }),
    milestones: z.partialRecord(z.enum(MILESTONE_IDS), milestonePolicySchema),
    escalation: z.strictObject({
      afterDays: z.array(z.number().int().min(1).max(366)),
      expiresAfterDays: z.number().int().min(1).max(366),
      milestones: z.array(z.enum(['apply_deadline', 'qualification_review', 'inspection'])),
    }),
    memberReview: z.strictObject({ status: z.string().min(1), tiers: z.array(z.string()).min(1) }),
    digest: z
      .strictObject({ weekday: z.number().int().min(1).max(7), at: hhmm, statuses: statuses })
      .nullable(),
  });

export type ReminderPolicy = z.infer<typeof reminderPolicySchema>;
export type MilestonePolicy = z.infer<typeof milestonePolicySchema>;

/** The reminder file is malformed; the message names the file and each key path. */
export class ReminderPolicyError extends Error {
  override readonly name = 'ReminderPolicyError';
  constructor(readonly fileName: string, readonly issues: readonly TemplateIssue[]) {
    super(issues.map((i) => `${fileName}: ${i.path}: ${i.message}`).join('\n'));
  }
}

function minutes(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

/** True when the wall-clock minute `m` (0–1439) is inside the quiet window [start, end), which may wrap midnight. */
export function inQuietWindow(quiet: { start: string; end: string }, m: number): boolean {
  const s = minutes(quiet.start);
  const e = minutes(quiet.end);
  if (s === e) return false;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** Checks that only make sense across keys, and against the cycle template (remind flags, tiers). */
function crossCheck(p: ReminderPolicy, cycle: CycleTemplate | undefined): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const times: Array<[string, string]> = [['sendAt', p.sendAt]];
  for (const [id, m] of Object.entries(p.milestones)) if (m?.at) times.push([`milestones.${id}.at`, m.at]);
  if (p.digest) times.push(['digest.at', p.digest.at]);
  if (p.quietHours) {
    for (const [path, t] of times) {
      if (inQuietWindow(p.quietHours, minutes(t))) {
        issues.push({ path, message: `${t} falls inside quietHours ${p.quietHours.start}–${p.quietHours.end}; pick a time outside them` });
      }
    }
  }
  if (cycle) {
    for (const m of cycle.milestones) {
      const entry = p.milestones[m.id];
      if (m.remind && !entry) {
        issues.push({ path: `milestones.${m.id}`, message: `cycle.yaml marks "${m.id}" remind: true, so it needs an entry here (write audiences: [] to send none)` });
      }
      if (!m.remind && entry && entry.audiences.length > 0) {
        issues.push({ path: `milestones.${m.id}`, message: `cycle.yaml marks "${m.id}" remind: false; remove it here or set remind: true there` });
      }
    }
    for (const id of Object.keys(p.milestones)) {
      if (!cycle.milestones.some((m) => m.id === id)) issues.push({ path: `milestones.${id}`, message: `"${id}" is not a milestone of cycle.yaml` });
    }
    const tiers = new Set(cycle.tiers.map((t) => t.id));
    p.memberReview.tiers.forEach((t, i) => {
      if (!tiers.has(t)) issues.push({ path: `memberReview.tiers[${i}]`, message: `unknown tier "${t}"; cycle.yaml declares ${[...tiers].join(', ')}` });
    });
  }
  return issues;
}

/**
 * Parses and validates the reminder policy. `cycle`, when given, is used to check that every milestone marked
 * `remind: true` has an entry and that tiers exist. `validateCron` checks the tick expression (node-cron's validator).
 */
export function loadReminderPolicy(
  text: string,
  fileName: string,
  o: { cycle?: CycleTemplate; validateCron?: (expr: string) => boolean } = {},
): ReminderPolicy {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    const first = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    throw new ReminderPolicyError(fileName, [{ path: '(yaml)', message: `not valid YAML: ${first}` }]);
  }
  const result = reminderPolicySchema.safeParse(data);
  if (!result.success) {
    throw new ReminderPolicyError(fileName, result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  const issues = crossCheck(result.data, o.cycle);
  if (o.validateCron && !o.validateCron(result.data.tick)) {
    issues.push({ path: 'tick', message: `"${result.data.tick}" is not a valid cron expression (e.g. "*/5 * * * *")` });
  }
  if (issues.length) throw new ReminderPolicyError(fileName, issues);
  return result.data;
}

/** The offsets (days before the anchor) for a milestone, largest first. */
export function offsetsFor(policy: ReminderPolicy, id: MilestoneId): number[] {
  const list = policy.milestones[id]?.offsets ?? policy.defaultOffsets;
  return [...new Set(list)].sort((a, b) => b - a);
}
