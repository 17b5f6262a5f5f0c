/** Why: reads and validates every rubric file once, at start, so a bad edit fails loudly with the file and key before anyone scores. */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRubric, RubricError, type Rubric } from '../domain/rubric.ts';
import { PROMPTS_DIR } from '../prompts/index.ts';

export class RubricSet {
  private readonly byId = new Map<string, Rubric>();

  constructor(rubrics: readonly Rubric[], readonly defaultId: string) {
    for (const r of rubrics) this.byId.set(r.id, r);
  }

  get(id: string): Rubric | null {
    return this.byId.get(id) ?? null;
  }

  /** The rubric a campaign uses when none was chosen. */
  get default(): Rubric {
    return this.byId.get(this.defaultId)!;
  }

  all(): Rubric[] {
    return [...this.byId.values()];
  }
}

/**
 * Loads prompts/zh-CN/rubrics/*.yaml. Two files with the same id, no file at all, or more than one file marked
 * `useByDefault` are errors that name the files.
 */
export function loadRubrics(dir = PROMPTS_DIR): RubricSet {
  const folder = join(dir, 'rubrics');
  const shown = 'prompts/zh-CN/rubrics';
  if (!existsSync(folder)) throw new RubricError(shown, [{ path: '(folder)', message: 'missing; restore it from the repository (it holds the inspection score sheets)' }]);
  const files = readdirSync(folder).filter((f) => f.endsWith('.yaml')).sort();
  if (!files.length) throw new RubricError(shown, [{ path: '(folder)', message: 'holds no .yaml rubric; restore cbss-2026.yaml from the repository' }]);
  const rubrics: Rubric[] = [];
  const fileOf = new Map<string, string>();
  for (const f of files) {
    const name = `${shown}/${f}`;
    const r = parseRubric(readFileSync(join(folder, f), 'utf8'), name);
    const prior = fileOf.get(r.id);
    if (prior) throw new RubricError(name, [{ path: 'id', message: `"${r.id}" is already used by ${prior}; give each rubric its own id` }]);
    fileOf.set(r.id, name);
    rubrics.push(r);
  }
  const marked = rubrics.filter((r) => r.useByDefault);
  if (marked.length > 1) {
    throw new RubricError(shown, [{ path: 'useByDefault', message: `set in more than one file (${marked.map((r) => fileOf.get(r.id)).join(', ')}); keep it in one` }]);
  }
  const def = marked[0] ?? (rubrics.length === 1 ? rubrics[0] : undefined);
  if (!def) throw new RubricError(shown, [{ path: 'useByDefault', message: 'several rubrics and none is marked useByDefault: true; mark the one new campaigns use' }]);
  return new RubricSet(rubrics, def.id);
}
