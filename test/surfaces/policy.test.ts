/** Why: prompts/zh-CN/surfaces.yaml is checked at start; a bad key names the file and the key, and what is expected. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCycleTemplate } from '../../src/domain/calendar.ts';
import { loadReminderPolicy } from '../../src/domain/reminder-policy.ts';
import { loadSurfacePolicyFile, parseSurfacePolicy, SurfacePolicyError } from '../../src/surfaces/policy.ts';

const cycle = loadCycleTemplate(readFileSync(new URL('../../prompts/zh-CN/cycle.yaml', import.meta.url), 'utf8'), 'cycle.yaml');
const reminders = loadReminderPolicy(readFileSync(new URL('../../prompts/zh-CN/reminders.yaml', import.meta.url), 'utf8'), 'reminders.yaml', { cycle });
const shipped = parse(readFileSync(new URL('../../prompts/zh-CN/surfaces.yaml', import.meta.url), 'utf8')) as Record<string, any>;

describe('the surface policy file', () => {
  it('the shipped file is valid: manager tasks before the application deadline, urgent at 15:00, batches of 1,000', () => {
    expect(loadSurfacePolicyFile({ cycle, reminders })).toEqual({
      version: 1, tasks: { applicationMilestones: ['apply_deadline'], inspectionMilestone: 'inspection' }, urgent: { milestones: ['apply_deadline'], at: '15:00' }, dashboard: { batchSize: 1000 },
    });
  });

  it.each([
    ['an unknown milestone', { tasks: { ...shipped.tasks, applicationMilestones: ['apply_deadlin'] } }, 'tasks.applicationMilestones[0]'],
    ['a time inside quiet hours', { urgent: { ...shipped.urgent, at: '22:00' } }, 'urgent.at: 22:00 falls inside quietHours'],
    ['a time that is not HH:mm', { urgent: { ...shipped.urgent, at: '3pm' } }, 'urgent.at: expected a 24-hour time'],
    ['a batch over Feishu’s 1,000', { dashboard: { batchSize: 1500 } }, 'dashboard.batchSize'],
    ['an unknown key', { extra: true }, 'Unrecognized key'],
  ])('refuses %s, naming the file and the key', (_name, change, message) => {
    let err: unknown;
    try {
      parseSurfacePolicy({ ...shipped, ...change }, { cycle, reminders });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SurfacePolicyError);
    expect((err as Error).message).toContain('prompts/zh-CN/surfaces.yaml');
    expect((err as Error).message).toContain(message);
  });
});
