/** Why: every deadline and the 2-year rule rest on these date helpers, so their edge cases are pinned here. */

import { describe, expect, it } from 'vitest';
import {
  InvalidAmountError,
  InvalidDateError,
  InvalidTimeError,
  InvalidTimeZoneError,
  addDays,
  addMonths,
  addYears,
  asLocalDate,
  compareDates,
  daysBetween,
  isValidDate,
  parseUserDate,
  toLocalDate,
  weekday,
  zonedDateTime,
} from '../../src/domain/dates.ts';

const D = asLocalDate;

describe('parseUserDate', () => {
  it.each([
    ['2023-05-01', '2023-05-01'],
    ['2023-5-1', '2023-05-01'],
    ['2023年5月1日', '2023-05-01'],
    ['2023年05月01日', '2023-05-01'],
    ['2023 年 5 月 1 日', '2023-05-01'],
    ['2023年5月1号', '2023-05-01'],
    ['2023年5月1', '2023-05-01'],
    ['2023/5/1', '2023-05-01'],
    ['2023.5.1', '2023-05-01'],
    ['２０２３年５月１日', '2023-05-01'],
    ['２０２３－０５－０１', '2023-05-01'],
    ['２０２３／５／１', '2023-05-01'],
    ['  2023-05-01  ', '2023-05-01'],
    ['\u30002023-5-1\u3000', '2023-05-01'],
    ['\t2024-2-29\n', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
  ])('accepts %j → %s', (text, date) => {
    expect(parseUserDate(text)).toEqual({ ok: true, date });
  });

  it.each([
    ['2023-02-29', 2023, 2, 29],
    ['2023-13-01', 2023, 13, 1],
    ['2023-04-31', 2023, 4, 31],
    ['2023-00-10', 2023, 0, 10],
    ['2023-01-00', 2023, 1, 0],
    ['1900年2月29日', 1900, 2, 29],
    ['２０２３年２月３０日', 2023, 2, 30],
  ])('rejects impossible %j', (text, year, month, day) => {
    expect(parseUserDate(text)).toEqual({ ok: false, reason: 'impossible', input: text, year, month, day });
  });

  it.each(['', 'yesterday', '23-5-1', '2023-5', '2023-5/1', '2023-05-01T00:00', '20230501', '2023年5月', '2023--5-1', '5/1/2023'])(
    'rejects %j as format',
    (text) => {
      expect(parseUserDate(text)).toEqual({ ok: false, reason: 'format', input: text });
    },
  );
});

describe('isValidDate / asLocalDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2023-5-1', false],
    ['0000-01-01', false],
    ['9999-12-31', true],
    [20230501, false],
    [null, false],
  ] as const)('%j → %s', (v, ok) => {
    expect(isValidDate(v)).toBe(ok);
  });

  it('asLocalDate throws a typed error that points to parseUserDate', () => {
    expect(() => asLocalDate('2023/05/01')).toThrow(InvalidDateError);
    expect(() => asLocalDate('2023/05/01')).toThrow(/parseUserDate/);
  });
});

describe('arithmetic', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2023-12-31', 1, '2024-01-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2023-01-01', 365, '2024-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
    ['1970-01-01', -1, '1969-12-31'],
  ])('addDays(%s, %i) = %s', (d, n, out) => {
    expect(addDays(D(d), n)).toBe(out);
  });

  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-08-31', 1, '2024-09-30'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2024-11-15', 2, '2025-01-15'],
    ['2025-01-15', -13, '2023-12-15'],
    ['2024-05-31', 18, '2025-11-30'],
  ])('addMonths(%s, %i) = %s (民法典 第二百零二条)', (d, n, out) => {
    expect(addMonths(D(d), n)).toBe(out);
  });

  it.each([
    ['2024-02-29', 2, '2026-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-29', 1, '2025-02-28'],
    ['2022-02-28', 2, '2024-02-28'],
    ['2023-03-02', 2, '2025-03-02'],
    ['2024-08-31', 2, '2026-08-31'],
    ['2024-02-29', -1, '2023-02-28'],
  ])('addYears(%s, %i) = %s', (d, n, out) => {
    expect(addYears(D(d), n)).toBe(out);
  });

  it('rejects fractional amounts with a typed error', () => {
    expect(() => addDays(D('2024-01-01'), 1.5)).toThrow(InvalidAmountError);
    expect(() => addMonths(D('2024-01-01'), Number.NaN)).toThrow(InvalidAmountError);
    expect(() => addYears(D('2024-01-01'), 0.5)).toThrow(/whole number/);
  });

  it.each([
    ['2024-01-01', '2024-01-01', 0, 0],
    ['2024-01-01', '2024-01-02', -1, 1],
    ['2024-03-01', '2024-02-28', 1, -2],
    ['2023-01-01', '2025-01-01', -1, 731],
  ])('compareDates(%s, %s) = %i, daysBetween = %i', (a, b, cmp, days) => {
    expect(compareDates(D(a), D(b))).toBe(cmp);
    expect(daysBetween(D(a), D(b))).toBe(days);
  });

  it.each([
    ['1970-01-01', 4],
    ['2024-02-29', 4],
    ['2026-01-05', 1],
    ['2026-01-04', 7],
    ['2023-07-01', 6],
    ['1969-12-29', 1],
  ])('weekday(%s) = %i (ISO)', (d, w) => {
    expect(weekday(D(d))).toBe(w);
  });
});

describe('time zones', () => {
  it.each([
    ['2025-12-31T15:59:59Z', 'Asia/Shanghai', '2025-12-31'],
    ['2025-12-31T16:00:00Z', 'Asia/Shanghai', '2026-01-01'],
    ['2026-01-05T01:00:00Z', 'Asia/Shanghai', '2026-01-05'],
    ['2026-03-08T04:59:00Z', 'America/New_York', '2026-03-07'],
    ['2026-03-08T05:00:00Z', 'America/New_York', '2026-03-08'],
    ['2026-01-01T00:00:00Z', 'UTC', '2026-01-01'],
  ])('toLocalDate(%s, %s) = %s', (iso, tz, out) => {
    expect(toLocalDate(new Date(iso), tz)).toBe(out);
  });

  it.each([
    ['2026-01-05', '09:00', 'Asia/Shanghai', '2026-01-05T01:00:00.000Z'],
    ['2026-01-01', '00:00', 'Asia/Shanghai', '2025-12-31T16:00:00.000Z'],
    ['2026-07-01', '23:59', 'Asia/Shanghai', '2026-07-01T15:59:00.000Z'],
    ['2026-07-01', '09:00', 'America/New_York', '2026-07-01T13:00:00.000Z'],
    ['2026-01-15', '09:00', 'America/New_York', '2026-01-15T14:00:00.000Z'],
    // Spring forward: 02:30 does not exist and moves forward to 03:30 EDT.
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    // Fall back: 01:30 happens twice; the earlier (EDT) instant is chosen.
    ['2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
    // London's gap is 01:00–02:00 GMT→BST: 01:30 moves forward to 02:30 BST; 03:00 is ordinary BST.
    ['2026-03-29', '01:30', 'Europe/London', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29', '03:00', 'Europe/London', '2026-03-29T02:00:00.000Z'],
    ['2026-03-28', '12:00', 'Europe/London', '2026-03-28T12:00:00.000Z'],
  ])('zonedDateTime(%s, %s, %s) = %s', (d, t, tz, iso) => {
    expect(zonedDateTime(D(d), t, tz).toISOString()).toBe(iso);
  });

  it('round-trips through toLocalDate', () => {
    expect(toLocalDate(zonedDateTime(D('2024-02-29'), '00:00', 'Asia/Shanghai'), 'Asia/Shanghai')).toBe('2024-02-29');
  });

  it('throws typed errors for bad zones and times', () => {
    expect(() => toLocalDate(new Date(), 'Mars/Olympus')).toThrow(InvalidTimeZoneError);
    expect(() => zonedDateTime(D('2026-01-01'), '9:00', 'Asia/Shanghai')).toThrow(InvalidTimeError);
    expect(() => zonedDateTime(D('2026-01-01'), '24:00', 'Asia/Shanghai')).toThrow(/HH:mm/);
    expect(() => toLocalDate(new Date(Number.NaN), 'Asia/Shanghai')).toThrow(InvalidDateError);
  });
});
