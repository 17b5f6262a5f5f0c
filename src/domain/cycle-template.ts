/** Why: the round's tiers and milestone offsets change between editions, so they live in prompts/zh-CN/cycle.yaml and are checked here on load. */

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Stable milestone ids; the chat layer, reminders and overrides key on them. */
export const MILESTONE_IDS = [
  'apply_open',
  'apply_deadline',
  'qualification_review',
  'regional_preselection',
  'inspection',
  'national_review',
  'publicity',
  'announcement',
  'supervision',
  'next_round_prep',
] as const;
export type MilestoneId = (typeof MILESTONE_IDS)[number];

/** Who a reminder is for: 中银协, a regional association, a member bank, or the applying unit. */
export const AUDIENCES = ['cba', 'regional_association', 'member_bank', 'unit'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Tier ids are data (e.g. `bai`, `qian`; a 星级 grading could be added), lower-case snake case. */
export type TierId = string;

const tierSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case id such as "bai"'),
  name: z.string().min(1),
});

const milestoneTemplateSchema = z.strictObject({
  id: z.enum(MILESTONE_IDS),
  name: z.string().min(1),
  offsetDays: z.number().int().optional(),
  offsetMonths: z.number().int().optional(),
  durationDays: z.number().int().min(1).optional(),
  remind: z.boolean(),
  audience: z.array(z.enum(AUDIENCES)).min(1),
  tiers: z.array(z.string()).min(1).optional(),
  note: z.string().optional(),
});

const REQUIRED_MILESTONES: readonly MilestoneId[] = ['apply_open', 'apply_deadline'];

export const cycleTemplateSchema = z
  .strictObject({
    version: z.literal(1),
    cycleYears: z.number().int().min(1),
    firstCycleYear: z.number().int().min(1990).max(2200),
    maxTotalUnits: z.number().int().min(1),
    tiers: z.array(tierSchema).min(1),
    milestones: z.array(milestoneTemplateSchema).min(1),
  })
  .superRefine((t, ctx) => {
    const tierIds = new Set<string>();
    t.tiers.forEach((tier, i) => {
      if (tierIds.has(tier.id)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'id'], message: `duplicate tier id "${tier.id}"` });
      tierIds.add(tier.id);
    });
    const seen = new Set<MilestoneId>();
    t.milestones.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['milestones', i, 'id'], message: `duplicate milestone id "${m.id}"` });
      seen.add(m.id);
      if ((m.offsetDays === undefined) === (m.offsetMonths === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['milestones', i], message: 'give exactly one of offsetDays or offsetMonths' });
      }
      if (m.id === 'apply_open' && (m.offsetDays ?? m.offsetMonths ?? 0) !== 0) {
        const key = m.offsetDays !== undefined ? 'offsetDays' : 'offsetMonths';
        ctx.addIssue({ code: 'custom', path: ['milestones', i, key], message: 'apply_open must be at offset 0: it is the date the other offsets count from' });
      }
      m.tiers?.forEach((tier, j) => {
        if (!tierIds.has(tier)) {
          ctx.addIssue({ code: 'custom', path: ['milestones', i, 'tiers', j], message: `unknown tier "${tier}"; declare it under tiers` });
        }
      });
    });
    for (const id of REQUIRED_MILESTONES) {
      if (!seen.has(id)) ctx.addIssue({ code: 'custom', path: ['milestones'], message: `missing required milestone "${id}"` });
    }
  });

export type CycleTemplate = z.infer<typeof cycleTemplateSchema>;
export type MilestoneTemplate = CycleTemplate['milestones'][number];
export type TierTemplate = CycleTemplate['tiers'][number];

export interface TemplateIssue {
  /** Key path such as `milestones[3].offsetDays`, or `(yaml)` for a syntax error. */
  path: string;
  message: string;
}

/** The cycle file is malformed; the message names the file and each key path, e.g. `…cycle.yaml: milestones[3].offsetDays: expected number`. */
export class CycleTemplateError extends Error {
  override readonly name = 'CycleTemplateError';
  constructor(readonly fileName: string, readonly issues: readonly TemplateIssue[]) {
    super(issues.map((i) => `${fileName}: ${i.path}: ${i.message}`).join('\n'));
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

/** Short messages that say what the key should hold. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.expected === 'int') return `expected a whole number, received ${JSON.stringify(issue.input)}`;
    return issue.input === undefined
      ? `expected ${issue.expected}, but the key is missing`
      : `expected ${issue.expected}, received ${describe(issue.input)}`;
  }
  return undefined;
};

/** Parses and validates the cycle file's text; `fileName` is only used in error messages. */
export function loadCycleTemplate(text: string, fileName: string): CycleTemplate {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    const firstLine = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    const message = firstLine.replace(/:\s*$/, '');
    throw new CycleTemplateError(fileName, [{ path: '(yaml)', message: `not valid YAML: ${message}` }]);
  }
  const result = cycleTemplateSchema.safeParse(data, { error: errorMap });
  if (!result.success) {
    throw new CycleTemplateError(
      fileName,
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return result.data;
}
