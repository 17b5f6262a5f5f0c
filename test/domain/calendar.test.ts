/** Why: the round's dates come from a data file, so both the file's validation and the date maths are pinned here. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  CycleTemplateError,
  MILESTONE_IDS,
  buildMilestones,
  currentPhase,
  cycleOf,
  extendDeadline,
  isPastDeadline,
  loadCycleTemplate,
  milestoneStart,
  MilestoneMissingError,
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
    expect.assertions(2);
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


describe('cycleOf: rounds follow the 2-year cycle of the template (第五条 每2年), not the calendar year of opening', () => {
  it.each([
    ['2022-10-01', '2022-2023'],
    ['2023-12-31', '2022-2023'],
    ['2024-01-01', '2024-2025'],
    ['2026-03-02', '2026-2027'],
    ['2027-03-01', '2026-2027'], // a round right after 2026 is in the same cycle, not a new one
    ['2028-01-01', '2028-2029'],
    ['2019-06-01', '2018-2019'], // before the first cycle, counted backwards
  ] as const)('%s → %s', (date, label) => {
    expect(cycleOf(template, D(date)).label).toBe(label);
  });

  it('gives the cycle\'s first and last day, and follows cycleYears and firstCycleYear from the file', () => {
    expect(cycleOf(template, D('2027-03-01'))).toEqual({ label: '2026-2027', startsOn: '2026-01-01', endsOn: '2027-12-31', nextStartsOn: '2028-01-01' });
    const three = { ...template, cycleYears: 3, firstCycleYear: 2021 };
    expect(cycleOf(three, D('2026-03-02')).label).toBe('2024-2026');
    expect(cycleOf(three, D('2027-01-01')).label).toBe('2027-2029');
  });
});

describe('milestoneStart / isPastDeadline', () => {
  const c = { id: 9, milestones: [{ key: 'apply_deadline', startsOn: D('2026-05-31') }] };
  it('reads the deadline, and names a missing one with the way to set it (no far-future fallback)', () => {
    expect(milestoneStart(c, 'apply_deadline')).toBe('2026-05-31');
    expect(() => milestoneStart({ id: 9, milestones: [] }, 'apply_deadline')).toThrow(MilestoneMissingError);
    expect(() => milestoneStart({ id: 9, milestones: [] }, 'apply_deadline')).toThrow('/campaign extend 9 YYYY-MM-DD');
  });
  it.each([
    ['2026-05-30', false],
    ['2026-05-31', false], // the deadline is a whole day
    ['2026-06-01', true],
  ] as const)('today %s → past: %s', (today, past) => {
    expect(isPastDeadline(D(today), D('2026-05-31'))).toBe(past);
  });
});

describe('extendDeadline', () => {
  const stored = buildMilestones(template, { opensOn: D('2026-03-02') }).map((m) => ({ key: m.id, startsOn: m.startsOn, endsOn: m.isWindow ? m.endsOn : null }));
  const get = (ms: readonly { key: string; startsOn: string; endsOn: string | null }[], key: string) => ms.find((m) => m.key === key)!;

  it('moves the deadline and every later milestone by the same days; earlier ones stay', () => {
    const r = extendDeadline(stored, D('2026-04-23'), D('2026-04-20'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.before).toBe('2026-04-16');
    expect(r.shiftDays).toBe(7);
    expect(get(r.milestones, 'apply_open')).toEqual(get(stored, 'apply_open'));
    expect(get(r.milestones, 'apply_deadline')).toMatchObject({ startsOn: '2026-04-23', endsOn: null });
    expect(get(r.milestones, 'qualification_review')).toEqual({ key: 'qualification_review', startsOn: '2026-04-24', endsOn: '2026-05-07' });
    expect(r.moved).toEqual(MILESTONE_IDS.slice(2));
    const moved = buildMilestones(template, { opensOn: D('2026-03-02') }).map((m) => {
      const x = get(r.milestones, m.id);
      return { ...m, startsOn: D(x.startsOn), endsOn: D(x.endsOn ?? x.startsOn) };
    });
    expect(validateMilestones(moved, { today: D('2026-04-20') })).toEqual([]);
  });

  it.each([
    ['the same day', '2026-04-16', '2026-04-10', { ok: false, code: 'not_later', current: '2026-04-16' }],
    ['an earlier day', '2026-04-01', '2026-03-20', { ok: false, code: 'not_later', current: '2026-04-16' }],
    ['a day already past', '2026-04-18', '2026-04-19', { ok: false, code: 'not_in_future', today: '2026-04-19' }],
  ] as const)('refuses %s', (_name, to, today, expected) => {
    expect(extendDeadline(stored, D(to), D(today))).toEqual(expected);
  });

  it('extending on the day itself, after the deadline passed, is allowed (a late extension)', () => {
    const r = extendDeadline(stored, D('2026-04-30'), D('2026-04-30'));
    expect(r).toMatchObject({ ok: true, shiftDays: 14 });
  });

  it('a round without a deadline gets one and nothing else moves', () => {
    const r = extendDeadline(stored.filter((m) => m.key !== 'apply_deadline'), D('2026-05-01'), D('2026-04-01'));
    expect(r).toMatchObject({ ok: true, before: null, shiftDays: 0, moved: [] });
    if (r.ok) expect(get(r.milestones, 'apply_deadline')).toEqual({ key: 'apply_deadline', startsOn: '2026-05-01', endsOn: null });
  });
});
