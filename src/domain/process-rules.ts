/**
 * Why: where the 管理办法 is silent (who files what, whether the secretariat may preselect for a region, whether 复选
 * is required, how many requests one person may have open), the choice is ours and lives in prompts/zh-CN/process.yaml
 * and plans.yaml; this checks those files when the bot starts, naming the file and key of any mistake.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const tierId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a tier id such as "bai"');

export const processRulesSchema = z.strictObject({
  version: z.literal(1),
  review: z.strictObject({
    /** 第九条（二）: tiers whose candidates the member bank files (报备) before the region reviews them. */
    filingTiers: z.array(tierId),
    /** 第九条（三）: tiers whose candidates the member bank also qualifies (资格审定); the same decision files them. */
    qualificationTiers: z.array(tierId),
    /** 第八条（二） gives 初选 to the regional association; may the secretariat decide it in a region's place? */
    secretariatMayPreselect: z.boolean(),
  }),
  recheck: z.strictObject({
    /** 第九条（四）: 复选 must be complete before the round is announced. */
    required: z.boolean(),
  }),
  limits: z.strictObject({
    /** Special-case requests (第十一条 last paragraph) one person may have waiting in one campaign. */
    openSpecialCasesPerPerson: z.number().int().min(1),
    /** Objections (公示) one person may raise in one campaign. */
    objectionsPerPerson: z.number().int().min(1),
  }),
});
export type ProcessRules = z.infer<typeof processRulesSchema>;

const planItem = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a short id such as "region_plan"'),
  title: z.string().min(1),
  basis: z.string().min(1),
});
export const planChecklistSchema = z
  .strictObject({
    version: z.literal(1),
    /** What each regional association files with 中银协 (第八条（一）, 第十条). */
    region: z.array(planItem).min(1),
    /** What each member bank files with 中银协 (第九条（一）, 第十条). */
    member: z.array(planItem).min(1),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    for (const side of ['region', 'member'] as const) {
      p[side].forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [side, i, 'id'], message: `duplicate item id "${item.id}"` });
        seen.add(item.id);
      });
    }
  });
export type PlanChecklist = z.infer<typeof planChecklistSchema>;
export type PlanItem = PlanChecklist['region'][number];

export class RulesFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the file; its header explains every key.`);
    this.name = 'RulesFileError';
  }
}

function parseWith<T>(schema: z.ZodType<T>, text: string, file: string, tiers?: readonly string[]): T {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new RulesFileError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new RulesFileError(file, r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`));
  if (tiers) {
    const rules = r.data as ProcessRules;
    const unknown = [...rules.review.filingTiers, ...rules.review.qualificationTiers].filter((t) => !tiers.includes(t));
    if (unknown.length) throw new RulesFileError(file, unknown.map((t) => `review: tier "${t}" is not in cycle.yaml (known: ${tiers.join(', ')})`));
  }
  return r.data;
}

/** Parses process.yaml; tier ids must exist in the cycle file. */
export function parseProcessRules(text: string, file: string, tiers: readonly string[]): ProcessRules {
  return parseWith(processRulesSchema, text, file, tiers);
}

export function parsePlanChecklist(text: string, file: string): PlanChecklist {
  return parseWith(planChecklistSchema, text, file);
}
