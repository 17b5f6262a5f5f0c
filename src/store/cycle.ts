/** Why: reads and validates the two-year cycle data file once, at start, so a bad edit fails loudly with the file and key. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCycleTemplate, type CycleTemplate } from '../domain/calendar.ts';
import { PROMPTS_DIR } from '../prompts/index.ts';

export function loadCycleFile(dir = PROMPTS_DIR): CycleTemplate {
  const path = join(dir, 'cycle.yaml');
  return loadCycleTemplate(readFileSync(path, 'utf8'), 'prompts/zh-CN/cycle.yaml');
}

/** Maps what a user types (百佳, 百佳示范单位, bai) to a tier id, or null. */
export function tierFromInput(template: CycleTemplate, input: string): string | null {
  const s = input.trim().toLowerCase();
  const hit = template.tiers.find((t) => t.id === s || t.name.toLowerCase() === s || t.name.startsWith(input.trim()));
  return hit ? hit.id : null;
}

export function tierName(template: CycleTemplate, id: string): string {
  return template.tiers.find((t) => t.id === id)?.name.replace(/示范单位$/, '') ?? id;
}
