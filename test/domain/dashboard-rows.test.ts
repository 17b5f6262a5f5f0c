/** Why: a dashboard row's fields, their Base types, change detection and batching are pure; pinned here by cases. */
import { describe, expect, it } from 'vitest';
import {
  APPLICATION_COLUMNS, RESULT_COLUMNS, applicationFields, batches, changedRows, fieldsHash, resultFields, tableFields,
} from '../../src/domain/dashboard-rows.ts';

const appNames = Object.fromEntries(APPLICATION_COLUMNS.map((c) => [c, `f_${c}`])) as Record<(typeof APPLICATION_COLUMNS)[number], string>;
const resultNames = Object.fromEntries(RESULT_COLUMNS.map((c) => [c, `r_${c}`])) as Record<(typeof RESULT_COLUMNS)[number], string>;
const facts = { applicationId: 12, unitName: '甲支行', bankName: '示范银行', regionName: '北京', tierName: '千佳', statusName: '填写中', missing: ['1. 申报表', '3. 制度'], score: null };

describe('dashboard rows', () => {
  it('the application id is the primary (first, text) field; counts and scores are numbers', () => {
    expect(tableFields(APPLICATION_COLUMNS, appNames)[0]).toEqual({ field_name: 'f_id', type: 1 });
    expect(tableFields(APPLICATION_COLUMNS, appNames).filter((f) => f.type === 2).map((f) => f.field_name)).toEqual(['f_missingCount', 'f_score']);
    expect(tableFields(RESULT_COLUMNS, resultNames).filter((f) => f.type === 2).map((f) => f.field_name)).toEqual(['r_total']);
  });

  it.each([
    ['a draft', facts, { f_id: '12', f_missing: '1. 申报表\n3. 制度', f_missingCount: 2, f_score: null }],
    ['a scored one, rounded to cents', { ...facts, missing: [], score: 991.456 }, { f_missing: '', f_missingCount: 0, f_score: 991.46 }],
  ])('%s', (_name, f, expected) => {
    expect(applicationFields(f, appNames)).toMatchObject(expected);
  });

  it('results carry the verdict and standing as given', () => {
    expect(resultFields({ applicationId: 3, unitName: '乙', regionName: '上海', tierName: '百佳', total: 850, verdictName: '合格', checksName: '现场检查', standingName: '正式' }, resultNames))
      .toEqual({ r_id: '3', r_unit: '乙', r_region: '上海', r_tier: '百佳', r_total: 850, r_verdict: '合格', r_checks: '现场检查', r_standing: '正式' });
  });

  it('a row is sent only when new or changed', () => {
    const a = { applicationId: 1, fields: applicationFields(facts, appNames) };
    const b = { applicationId: 2, fields: applicationFields({ ...facts, applicationId: 2 }, appNames) };
    const known = new Map([[1, fieldsHash(a.fields)], [2, 'stale']]);
    expect(changedRows([a, b], known).map((r) => r.applicationId)).toEqual([2]);
    expect(changedRows([a, b], new Map()).map((r) => r.applicationId)).toEqual([1, 2]);
    expect(fieldsHash({ x: 1, y: 'a' })).not.toBe(fieldsHash({ x: 1, y: 'b' }));
  });

  it.each([
    [2500, 1000, [1000, 1000, 500]],
    [3000, 1000, [1000, 1000, 1000]],
    [5, 2, [2, 2, 1]],
    [10, 5000, [10]],
    [0, 1000, []],
  ])('%i rows in batches of %i (never over 1,000)', (n, size, expected) => {
    expect(batches(Array.from({ length: n }, (_, i) => i), size).map((b) => b.length)).toEqual(expected);
  });
});
