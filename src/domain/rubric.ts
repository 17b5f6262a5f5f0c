/** Why: the inspection score sheet changes between editions, so it is data (prompts/zh-CN/rubrics/*.yaml), checked here on load. */

import { TIE_KEYS } from './ranking.ts';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatPath } from './cycle-template.ts';

/** The kinds of check an inspection can be: 现场检查 and 神秘客户暗访. */
export const CHECK_KINDS = ['onsite', 'mystery'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** `default: adjustable` marks a weight not confirmed by a public source (a default to be adjusted). */
const adjustable = z.literal('adjustable').optional();
const id = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$/, 'expected an id such as "1.1.1" (letters, digits, dots; at most 20 characters)');
const points = z.number().positive();

const itemSchema = z.strictObject({
  id,
  name: z.string().min(1),
  max: points,
  section: z.string().optional(),
  reasons: z.array(z.string().min(1)).min(1),
  default: adjustable,
});

const sectionSchema = z.strictObject({ id, name: z.string().min(1), points, default: adjustable });

const moduleSchema = z.strictObject({
  id,
  name: z.string().min(1),
  points,
  checks: z.array(z.enum(CHECK_KINDS)).min(1),
  sections: z.array(sectionSchema).optional(),
  items: z.array(itemSchema).min(1),
  default: adjustable,
});

/** Sums of weights, compared with a tolerance that only absorbs binary rounding of the halves and quarters in use. */
const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
const onStep = (v: number, step: number) => same(Math.round(v / step) * step, v);

export const rubricSchema = z
  .strictObject({
    id,
    version: z.number().int().min(1),
    name: z.string().min(1),
    useByDefault: z.boolean().optional(),
    scoring: z.strictObject({
      total: points,
      passScore: z.number().min(0),
      step: z.union([z.literal(1), z.literal(0.5), z.literal(0.25)]),
      majorShare: z.number().gt(0).max(1),
      /** The order of the tie rule (src/domain/ranking.ts); the 管理办法 is silent, so it is ours and data. */
      tieBreak: z.array(z.enum(TIE_KEYS)).min(1).optional(),
      default: adjustable,
    }),
    modules: z.array(moduleSchema).min(1),
  })
  .superRefine((r, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (r.scoring.passScore > r.scoring.total) issue(['scoring', 'passScore'], `pass score ${r.scoring.passScore} is above the total ${r.scoring.total}`);
    const tie = r.scoring.tieBreak;
    if (tie && new Set(tie).size !== tie.length) issue(['scoring', 'tieBreak'], 'list each key once');
    if (tie && tie.at(-1) !== 'id') issue(['scoring', 'tieBreak'], 'end with id, so the order is always total and repeatable');
    const moduleSum = r.modules.reduce((s, m) => s + m.points, 0);
    if (!same(moduleSum, r.scoring.total)) issue(['scoring', 'total'], `the modules' points add up to ${moduleSum}, not ${r.scoring.total}; make them agree`);
    if (!r.modules.some((m) => m.checks.includes('onsite'))) issue(['modules'], 'no module is scored by an onsite check; add "onsite" to some module\'s checks');
    const ids = new Set<string>();
    r.modules.forEach((m, mi) => {
      if (ids.has(m.id)) issue(['modules', mi, 'id'], `duplicate id "${m.id}"`);
      ids.add(m.id);
      const itemSum = m.items.reduce((s, it) => s + it.max, 0);
      if (!same(itemSum, m.points)) issue(['modules', mi, 'points'], `module "${m.name}" is worth ${m.points} but its items add up to ${itemSum}`);
      const sections = new Map((m.sections ?? []).map((s) => [s.id, s]));
      (m.sections ?? []).forEach((s, si) => {
        const sum = m.items.filter((it) => it.section === s.id).reduce((acc, it) => acc + it.max, 0);
        if (!same(sum, s.points)) issue(['modules', mi, 'sections', si, 'points'], `section "${s.name}" is worth ${s.points} but its items add up to ${sum}`);
      });
      m.items.forEach((it, ii) => {
        if (ids.has(it.id)) issue(['modules', mi, 'items', ii, 'id'], `duplicate id "${it.id}"`);
        ids.add(it.id);
        if (!onStep(it.max, r.scoring.step)) issue(['modules', mi, 'items', ii, 'max'], `${it.max} is not a multiple of scoring.step (${r.scoring.step})`);
        if (it.section !== undefined && !sections.has(it.section)) issue(['modules', mi, 'items', ii, 'section'], `unknown section "${it.section}"; declare it under this module's sections`);
        if (it.section === undefined && sections.size) issue(['modules', mi, 'items', ii, 'section'], 'this module has sections: give the item its section');
      });
    });
  });

export type Rubric = z.infer<typeof rubricSchema>;
export type RubricModule = Rubric['modules'][number];
export type RubricItem = RubricModule['items'][number];

/** The rubric file is malformed; the message names the file and each key path, e.g. `…cbss-2026.yaml: modules[2].items[0].max: …`. */
export class RubricError extends Error {
  override readonly name = 'RubricError';
  constructor(readonly fileName: string, readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super(issues.map((i) => `${fileName}: ${i.path}: ${i.message}`).join('\n'));
  }
}

const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `expected ${issue.expected}, but the key is missing` : `expected ${issue.expected}, received ${Array.isArray(issue.input) ? 'list' : typeof issue.input}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling (see the comments at the top of the file)`;
  return undefined;
};

/** Parses and validates a rubric file's text; `fileName` is only used in error messages. */
export function parseRubric(text: string, fileName: string): Rubric {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    const first = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    throw new RubricError(fileName, [{ path: '(yaml)', message: `not valid YAML: ${first}` }]);
  }
  const result = rubricSchema.safeParse(data, { error: errorMap });
  if (!result.success) throw new RubricError(fileName, result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return result.data;
}

/** Modules a kind of check scores (a mystery visit sees only what a customer sees). */
export function modulesFor(rubric: Rubric, kind: CheckKind): RubricModule[] {
  return rubric.modules.filter((m) => m.checks.includes(kind));
}

/** Finds an item by id, with its module. */
export function findItem(rubric: Rubric, itemId: string): { module: RubricModule; item: RubricItem } | null {
  for (const module of rubric.modules) {
    const item = module.items.find((i) => i.id === itemId.trim());
    if (item) return { module, item };
  }
  return null;
}
