/** Why: reads and validates prompts/zh-CN/reminders.yaml once, at start, so a bad edit stops the bot with the file and key named. */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import cron from 'node-cron';
import { PROMPTS_DIR } from '../prompts/index.ts';
import type { CycleTemplate } from '../domain/calendar.ts';
import { loadReminderPolicy, ReminderPolicyError, type ReminderPolicy } from '../domain/reminder-policy.ts';

export const REMINDER_POLICY_FILE = 'prompts/zh-CN/reminders.yaml';

export function loadReminderPolicyFile(cycle: CycleTemplate, dir = PROMPTS_DIR): ReminderPolicy {
  const path = join(dir, 'reminders.yaml');
  if (!existsSync(path)) throw new ReminderPolicyError(REMINDER_POLICY_FILE, [{ path: '(file)', message: `missing at ${path}; restore it from the repository` }]);
  return loadReminderPolicy(readFileSync(path, 'utf8'), REMINDER_POLICY_FILE, { cycle, validateCron: (e) => cron.validate(e) });
}
