/** Why: a rubric file with wrong sums or keys must fail at start, naming the file and the key, before anyone scores with it. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRubric, RubricError, modulesFor, findItem } from '../../src/domain/rubric.ts';
import { loadRubrics } from '../../src/store/rubrics.ts';
import { TINY, type TinyRubric } from '../fixtures/domain/rubric-tiny.ts';

const edit = (f: (r: TinyRubric & Record<string, unknown>) => void): string => {
  const r = structuredClone(TINY) as TinyRubric & Record<string, unknown>;
  f(r);
  return stringify(r);
};

describe('parseRubric', () => {
  it('accepts a consistent rubric and finds items and modules by kind', () => {
    const r = parseRubric(stringify(TINY), 'tiny.yaml');
    expect(modulesFor(r, 'mystery').map((m) => m.id)).toEqual(['1']);
    expect(findItem(r, '2.1')?.module.name).toBe('服务管理');
    expect(findItem(r, '9.9')).toBeNull();
  });

  it.each<[string, (r: TinyRubric & Record<string, unknown>) => void, string]>([
    ['module points that do not add up to the total', (r) => void (r.scoring.total = 25), 'scoring.total: the modules\' points add up to 20, not 25'],
    ['items that do not add up to the module', (r) => void (r.modules[1]!.items[0]!.max = 9), 'modules[1].points: module "服务管理" is worth 10 but its items add up to 9'],
    ['a section whose items do not add up', (r) => void (r.modules[0]!.sections![0]!.points = 7), 'modules[0].sections[0].points'],
    ['a pass score above the total', (r) => void (r.scoring.passScore = 30), 'scoring.passScore'],
    ['an unknown key', (r) => void ((r.modules[0]!.items[0] as Record<string, unknown>).weight = 3), 'modules[0].items[0]: unknown key(s) "weight"'],
    ['a missing max', (r) => void delete (r.modules[0]!.items[0] as Record<string, unknown>).max, 'modules[0].items[0].max: expected number, but the key is missing'],
    ['a duplicate item id', (r) => void (r.modules[0]!.items[1]!.id = '1.1.1'), 'duplicate id "1.1.1"'],
    ['an unknown section', (r) => void (r.modules[0]!.items[0]!.section = '1.9'), 'unknown section "1.9"'],
    ['a max off the step', (r) => { r.modules[1]!.items[0]!.max = 9.75; r.modules[1]!.points = 9.75; r.scoring.total = 19.75; }, 'not a multiple of scoring.step'],
    ['a bad check kind', (r) => void ((r.modules[1] as Record<string, unknown>).checks = ['phone']), 'modules[1].checks[0]'],
    ['an adjustable marker spelled wrong', (r) => void ((r.modules[1] as Record<string, unknown>).default = 'maybe'), 'modules[1].default'],
    ['an unknown tie-break key', (r) => void ((r.scoring as Record<string, unknown>).tieBreak = ['total', 'luck', 'id']), 'scoring.tieBreak[1]'],
    ['a tie-break not ending with id', (r) => void ((r.scoring as Record<string, unknown>).tieBreak = ['id', 'total']), 'scoring.tieBreak: end with id'],
    ['a tie-break key twice', (r) => void ((r.scoring as Record<string, unknown>).tieBreak = ['total', 'total', 'id']), 'scoring.tieBreak: list each key once'],
  ])('refuses %s, naming the file and key', (_name, change, expected) => {
    expect.assertions(3);
    let err: unknown;
    try {
      parseRubric(edit(change), 'prompts/zh-CN/rubrics/tiny.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RubricError);
    expect((err as Error).message).toContain('prompts/zh-CN/rubrics/tiny.yaml: ');
    expect((err as Error).message).toContain(expected);
  });

  it('reports broken YAML as such', () => {
    expect(() => parseRubric('id: [', 'x.yaml')).toThrow(/x\.yaml: \(yaml\): not valid YAML/);
  });
});

describe('the shipped default rubric (prompts/zh-CN/rubrics/cbss-2026.yaml)', () => {
  const set = loadRubrics();
  const r = set.default;

  it('follows CBSS1000: module 1 环境管理 90 with 室外环境 15 (six items of 2–3) and 室内环境 20, confirmed', () => {
    expect(set.defaultId).toBe('cbss-2026');
    const m1 = r.modules[0]!;
    expect([m1.name, m1.points, m1.default]).toEqual(['环境管理', 90, undefined]);
    const outdoor = m1.items.filter((i) => i.section === '1.1');
    expect(outdoor).toHaveLength(6);
    expect(outdoor.every((i) => i.max >= 2 && i.max <= 3)).toBe(true);
    expect(m1.sections?.find((s) => s.id === '1.1')).toMatchObject({ name: '室外环境', points: 15 });
    expect(m1.sections?.find((s) => s.id === '1.2')).toMatchObject({ name: '室内环境', points: 20 });
    expect(m1.sections?.find((s) => s.id === '1.2')?.default).toBeUndefined();
  });

  it('marks every unconfirmed weight as adjustable', () => {
    expect(r.scoring.default).toBe('adjustable');
    for (const m of r.modules.slice(1)) expect(m.default).toBe('adjustable');
    for (const m of r.modules) for (const i of m.items) expect(i.default).toBe('adjustable');
  });

  it('lets a mystery visit score what a customer sees, and never the records', () => {
    expect(modulesFor(r, 'mystery').map((m) => m.name)).toEqual(['环境管理', '服务效率', '服务规范', '消费者权益保护与投诉处理', '特殊群体服务']);
  });
});
