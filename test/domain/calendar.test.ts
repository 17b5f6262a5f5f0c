/** Why: the round's dates come from a data file, so both the file's validation and the date maths are pinned here. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  CycleTemplateError,
  MILESTONE_IDS,
  buildMilestones,
  currentPhase,
  loadCycleTemplate,
  nextRoundOpensOn,
  upcoming,
  validateMilestones,
  type MilestoneId,
} from '../../src/domain/calendar.ts';
import { asLocalDate } from '../../src/domain/dates.ts';

const FILE = 'prompts/zh-CN/cycle.yaml';
const text = readFileSync(new URL('../../prompts/zh-CN/cycle.yaml', import.meta.url), 'utf8');
const template = loadCycleTemplate(text, FILE);
const D = asLocalDate;
const round2022 = buildMilestones(template, { opensOn: D('2022-10-01') });
const byId = (id: MilestoneId) => round2022.find((m) => m.id === id);

describe('prompts/zh-CN/cycle.yaml', () => {
  it('declares both tiers, the 1000 cap and the 2-year cycle (第四条, 第五条)', () => {
    expect(template.tiers.map((t) => t.id)).toEqual(['bai', 'qian']);
    expect(template.maxTotalUnits).toBe(1000);
    expect(template.cycleYears).toBe(2);
  });

  it('lists every milestone id once, in order', () => {
    expect(template.milestones.map((m) => m.id)).toEqual([...MILESTONE_IDS]);
  });

  it('qualification review concerns 百佳 only (第九条第（三）项)', () => {
    expect(byId('qualification_review')?.tiers).toEqual(['bai']);
    expect(byId('inspection')?.tiers).toEqual(['bai', 'qian']);
  });

  it('a round opened 2022-10-01 is named in early July 2023 and has no ordering problems', () => {
    expect(byId('announcement')?.startsOn).toBe('2023-07-03');
    expect(validateMilestones(round2022, { today: D('2022-09-01') })).toEqual([]);
    expect(nextRoundOpensOn(template, D('2022-10-01'))).toBe('2024-10-01');
  });
});

type Mutation = [name: string, mutate: (doc: Record<string, any>) => void, message: string];

describe('loadCycleTemplate rejects bad files with file name and key path', () => {
  const table: Mutation[] = [
    ['offset as text', (d) => (d.milestones[3].offsetDays = 'sixty'), `${FILE}: milestones[3].offsetDays: expected number, received string`],
    ['missing name', (d) => delete d.milestones[0].name, `${FILE}: milestones[0].name: expected string, but the key is missing`],
    ['fractional offset', (d) => (d.milestones[1].offsetDays = 4.5), `${FILE}: milestones[1].offsetDays: expected a whole number, received 4.5`],
    ['both offsets', (d) => (d.milestones[2].offsetMonths = 1), `${FILE}: milestones[2]: give exactly one of offsetDays or offsetMonths`],
    ['no offset', (d) => delete d.milestones[2].offsetDays, `${FILE}: milestones[2]: give exactly one`],
    ['unknown milestone id', (d) => (d.milestones[4].id = 'party'), `${FILE}: milestones[4].id: `],
    ['duplicate milestone', (d) => (d.milestones[5].id = 'inspection'), `${FILE}: milestones[5].id: duplicate milestone id "inspection"`],
    ['unknown tier on milestone', (d) => (d.milestones[2].tiers = ['gold']), `${FILE}: milestones[2].tiers[0]: unknown tier "gold"`],
    ['duplicate tier', (d) => (d.tiers[1].id = 'bai'), `${FILE}: tiers[1].id: duplicate tier id "bai"`],
    ['bad tier id', (d) => (d.tiers[0].id = 'Bai Jia'), `${FILE}: tiers[0].id: expected a lower-case id`],
    ['unknown audience', (d) => (d.milestones[0].audience = ['everyone']), `${FILE}: milestones[0].audience[0]: `],
    ['cap as text', (d) => (d.maxTotalUnits = '1000'), `${FILE}: maxTotalUnits: expected number, received string`],
    ['typo key', (d) => (d.milestones[0].remindd = true), `${FILE}: milestones[0]: `],
    ['deadline removed', (d) => d.milestones.splice(1, 1), `${FILE}: milestones: missing required milestone "apply_deadline"`],
    ['apply_open offset', (d) => (d.milestones[0].offsetDays = 3), `${FILE}: milestones[0].offsetDays: apply_open must be at offset 0`],
    ['zero-length window', (d) => (d.milestones[6].durationDays = 0), `${FILE}: milestones[6].durationDays: `],
    ['milestones not a list', (d) => (d.milestones = { a: 1 }), `${FILE}: milestones: expected array, received object`],
  ];
  it.each(table)('%s', (_name, mutate, message) => {
    const doc = parse(text) as Record<string, any>;
    mutate(doc);
    let caught: unknown;
    try {
      loadCycleTemplate(stringify(doc), FILE);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CycleTemplateError);
    expect((caught as Error).message).toContain(message);
  });

  it.each([
    ['syntax error', 'milestones: [\n', '(yaml): not valid YAML'],
    ['empty file', '', '(root): expected object'],
    ['duplicate key', 'cycleYears: 2\ncycleYears: 3\n', '(yaml): not valid YAML'],
  ])('%s', (_name, bad, message) => {
    expect(() => loadCycleTemplate(bad, FILE)).toThrow(`${FILE}: ${message}`);
  });
});

describe('buildMilestones', () => {
  it.each([
    ['apply_open', '2022-10-01', '2022-10-01', false],
    ['apply_deadline', '2022-11-15', '2022-11-15', false],
    ['qualification_review', '2022-11-16', '2022-11-29', true],
    ['regional_preselection', '2022-11-30', '2022-12-29', true],
    ['inspection', '2022-12-30', '2023-04-28', true],
    ['publicity', '2023-06-03', '2023-06-09', true],
    ['supervision', '2024-04-01', '2024-05-30', true],
    ['next_round_prep', '2024-07-01', '2024-07-01', false],
  ] as const)('%s: %s → %s', (id, startsOn, endsOn, isWindow) => {
    expect(byId(id)).toMatchObject({ startsOn, endsOn, isWindow, overridden: false });
  });

  it('offsetMonths ends at month-end when the day is missing (第二百零二条)', () => {
    const ms = buildMilestones(template, { opensOn: D('2024-08-31') });
    expect(ms.find((m) => m.id === 'supervision')?.startsOn).toBe('2026-02-28');
  });

  it('an override moves only that milestone; a window keeps its length', () => {
    const ms = buildMilestones(template, {
      opensOn: D('2022-10-01'),
      overrides: { apply_deadline: D('2022-11-30'), publicity: D('2023-06-10') },
    });
    const get = (id: MilestoneId) => ms.find((m) => m.id === id);
    expect(get('apply_deadline')).toMatchObject({ startsOn: '2022-11-30', overridden: true });
    expect(get('publicity')).toMatchObject({ startsOn: '2023-06-10', endsOn: '2023-06-16', overridden: true });
    expect(get('qualification_review')).toMatchObject({ startsOn: '2022-11-16', overridden: false });
  });
});

describe('validateMilestones', () => {
  const build = (overrides: Partial<Record<MilestoneId, string>>) =>
    buildMilestones(template, {
      opensOn: D('2022-10-01'),
      overrides: Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, D(v)])),
    });

  it.each([
    ['defaults, set up a month early', {}, '2022-09-01', []],
    ['deadline tomorrow is fine', {}, '2022-11-14', []],
    ['deadline today', {}, '2022-11-15', ['deadline_not_in_future']],
    ['deadline passed', {}, '2022-12-01', ['deadline_not_in_future']],
    ['deadline moved after qualification review', { apply_deadline: '2022-11-20' }, '2022-09-01', ['out_of_order']],
    ['publicity moved before review', { publicity: '2023-04-01' }, '2022-09-01', ['out_of_order']],
    ['same day is not out of order', { qualification_review: '2022-11-15' }, '2022-09-01', []],
  ] as const)('%s', (_name, overrides, today, codes) => {
    expect(validateMilestones(build(overrides), { today: D(today) }).map((p) => p.code)).toEqual(codes);
  });

  it('names both milestones when out of order', () => {
    expect(validateMilestones(build({ apply_deadline: '2022-11-20' }), { today: D('2022-09-01') })).toEqual([
      {
        code: 'out_of_order',
        earlier: { id: 'apply_deadline', startsOn: '2022-11-20' },
        later: { id: 'qualification_review', startsOn: '2022-11-16' },
      },
    ]);
  });

  it('reports a missing deadline', () => {
    const ms = round2022.filter((m) => m.id !== 'apply_deadline');
    expect(validateMilestones(ms, { today: D('2022-09-01') })).toEqual([{ code: 'missing_milestone', id: 'apply_deadline' }]);
  });
});

describe('currentPhase / upcoming', () => {
  it.each([
    ['before the round', '2022-09-30', null, false, [], 'apply_open'],
    ['opening day', '2022-10-01', 'apply_open', true, ['apply_open'], 'apply_deadline'],
    ['applications open', '2022-10-20', 'apply_open', false, [], 'apply_deadline'],
    ['deadline day', '2022-11-15', 'apply_deadline', true, ['apply_deadline'], 'qualification_review'],
    ['inside inspection', '2023-02-01', 'inspection', true, ['inspection'], 'national_review'],
    ['last day of publicity', '2023-06-09', 'publicity', true, ['publicity'], 'announcement'],
    ['between publicity and naming', '2023-06-20', 'publicity', false, [], 'announcement'],
    ['after the last milestone', '2025-01-01', 'next_round_prep', false, [], null],
  ] as const)('%s (%s)', (_name, today, current, inCurrent, active, next) => {
    const p = currentPhase(round2022, D(today));
    expect(p.current?.id ?? null).toBe(current);
    expect(p.inCurrent).toBe(inCurrent);
    expect(p.active.map((m) => m.id)).toEqual(active);
    expect(p.next?.id ?? null).toBe(next);
  });

  it('lists overlapping windows as active', () => {
    const ms = buildMilestones(template, { opensOn: D('2022-10-01'), overrides: { regional_preselection: D('2022-11-20') } });
    expect(currentPhase(ms, D('2022-11-25')).active.map((m) => m.id)).toEqual(['qualification_review', 'regional_preselection']);
  });

  it.each([
    ['2022-09-01', 3, ['apply_open', 'apply_deadline', 'qualification_review']],
    ['2022-11-15', 2, ['apply_deadline', 'qualification_review']],
    ['2023-06-04', 5, ['announcement', 'supervision', 'next_round_prep']],
    ['2024-07-02', 3, []],
    ['2022-09-01', 0, []],
  ] as const)('upcoming(%s, %i)', (today, n, ids) => {
    expect(upcoming(round2022, D(today), n).map((m) => m.id)).toEqual(ids);
  });

  it('upcoming rejects a negative count', () => {
    expect(() => upcoming(round2022, D('2022-09-01'), -1)).toThrow(RangeError);
  });
});

