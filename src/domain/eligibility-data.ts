/** Why: 第十一条's choices (who is excluded, what counts as a sub-branch) and our readings of it are data in prompts/zh-CN/eligibility.yaml, checked here on load. */
import { parse } from 'yaml';
import { z } from 'zod';
import { MILESTONE_IDS } from './cycle-template.ts';

/** How an institution type fares under 第十一条第（一）项. */
export const INSTITUTION_CLASSES = ['member', 'excluded', 'non_member'] as const;
export type InstitutionClass = (typeof INSTITUTION_CLASSES)[number];

/** Clause 3 is a closed list in the text (综合性支行 or 单点式营业机构); only the words for it are data. */
export const UNIT_KINDS = ['comprehensive_subbranch', 'single_point', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case id such as "trust"');
const words = z.array(z.string().min(1)).min(1);

const institutionSchema = z.strictObject({
  id,
  class: z.enum(INSTITUTION_CLASSES),
  label: z.string().min(1),
  short: z.string().min(1).max(20),
  words,
  reason: z.string().min(1).optional(),
});

const kindSchema = z.strictObject({ id: z.enum(UNIT_KINDS), label: z.string().min(1), short: z.string().min(1).max(20), words });

export const eligibilityDataSchema = z
  .strictObject({
    version: z.literal(1),
    institutions: z.array(institutionSchema).min(2),
    kinds: z.array(kindSchema).length(UNIT_KINDS.length),
    answers: z.strictObject({ negations: words, uncertain: words, yes: words, no: words }),
    clause4: z.strictObject({ measuredAt: z.enum(MILESTONE_IDS), minYears: z.number().int().min(1) }),
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.institutions.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: ['institutions', i, 'id'], message: `duplicate id "${t.id}"` });
      seen.add(t.id);
      if (t.class === 'excluded' && !t.reason) ctx.addIssue({ code: 'custom', path: ['institutions', i, 'reason'], message: 'an excluded type needs the reason shown in the verdict' });
    });
    if (!d.institutions.some((t) => t.class === 'member')) ctx.addIssue({ code: 'custom', path: ['institutions'], message: 'one type must have class: member (the units that may apply)' });
    const kinds = new Set(d.kinds.map((k) => k.id));
    if (kinds.size !== UNIT_KINDS.length) ctx.addIssue({ code: 'custom', path: ['kinds'], message: `list each of ${UNIT_KINDS.join(', ')} once` });
  });

export type EligibilityData = z.infer<typeof eligibilityDataSchema>;
export type InstitutionChoice = EligibilityData['institutions'][number];

export class EligibilityDataError extends Error {
  override readonly name = 'EligibilityDataError';
  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(problems.map((p) => `${file}: ${p}`).join('\n') + '\nFix the file (see the comments at its top) and start the bot again.');
  }
}

/** Parses and checks the eligibility file's text; `file` names it in errors. */
export function loadEligibilityData(text: string, file: string): EligibilityData {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new EligibilityDataError(file, [`(yaml): not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  const r = eligibilityDataSchema.safeParse(raw);
  if (!r.success) {
    throw new EligibilityDataError(file, r.error.issues.map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(root)'}: ${i.message}`));
  }
  return r.data;
}

/** Institution ids → their clause-1 class, as `evaluate` needs it. */
export type InstitutionClasses = ReadonlyMap<string, InstitutionClass>;

export function institutionClasses(d: Pick<EligibilityData, 'institutions'>): InstitutionClasses {
  return new Map(d.institutions.map((t) => [t.id, t.class]));
}
