/** Why: reads prompts/zh-CN/process.yaml (our readings of the 管理办法, limits) and plans.yaml (备案) once, at start, failing loudly on a bad edit. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROMPTS_DIR } from '../prompts/index.ts';
import { parsePlanChecklist, parseProcessRules, type PlanChecklist, type ProcessRules } from '../domain/process-rules.ts';
import type { CycleTemplate } from '../domain/calendar.ts';

export function loadProcessFile(cycle: CycleTemplate, dir = PROMPTS_DIR): ProcessRules {
  return parseProcessRules(readFileSync(join(dir, 'process.yaml'), 'utf8'), 'prompts/zh-CN/process.yaml', cycle.tiers.map((t) => t.id));
}

export function loadPlansFile(dir = PROMPTS_DIR): PlanChecklist {
  return parsePlanChecklist(readFileSync(join(dir, 'plans.yaml'), 'utf8'), 'prompts/zh-CN/plans.yaml');
}
