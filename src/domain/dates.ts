/** Why: eligibility and the round's calendar are civil-date rules (民法典 第二百零一条/第二百零二条), so they need timezone-free date arithmetic. */

import { z } from 'zod';

/** A civil date `YYYY-MM-DD` with no time or zone. Obtain one from `parseUserDate`, `asLocalDate` or `isValidDate`. */
export type LocalDate = string & { readonly __brand: 'LocalDate' };

/** Thrown when a value that should be a `LocalDate` is not one. */
export class InvalidDateError extends Error {
  override readonly name = 'InvalidDateError';
  constructor(readonly input: unknown, detail = 'expected an existing civil date written YYYY-MM-DD, e.g. 2023-05-01') {
    super(`Invalid date ${JSON.stringify(input)}: ${detail}. Parse user text with parseUserDate() first.`);
  }
}

/** Thrown when a time-zone name is not an IANA zone known to Intl. */
export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
  constructor(readonly timeZone: string) {
    super(`Unknown time zone ${JSON.stringify(timeZone)}: use an IANA name such as "Asia/Shanghai".`);
  }
}

/** Thrown when a wall-clock time is not `HH:mm` (00:00–23:59). */
export class InvalidTimeError extends Error {
  override readonly name = 'InvalidTimeError';
  constructor(readonly input: string) {
    super(`Invalid time ${JSON.stringify(input)}: write it as HH:mm on a 24-hour clock, e.g. "09:30".`);
  }
}

/** Thrown when a day/month/year count is not a safe integer. */
export class InvalidAmountError extends Error {
  override readonly name = 'InvalidAmountError';
  constructor(readonly amount: number, readonly unit: 'days' | 'months' | 'years') {
    super(`Cannot add ${amount} ${unit}: the amount must be a whole number (negative counts go backwards).`);
  }
}

export type ParseDateResult =
  | { ok: true; date: LocalDate }
  | { ok: false; reason: 'format'; input: string }
  | { ok: false; reason: 'impossible'; input: string; year: number; month: number; day: number };

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDate(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function fromParts(y: number, m: number, d: number): LocalDate {
  if (!isRealDate(y, m, d)) throw new InvalidDateError(`${y}-${m}-${d}`, 'the result falls outside years 0001–9999');
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}` as LocalDate;
}

/** True when `value` is a canonical `YYYY-MM-DD` string naming a date that exists. */
export function isValidDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  const m = ISO_RE.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Narrows a canonical string to `LocalDate`, throwing `InvalidDateError` otherwise (for data files and tests). */
export function asLocalDate(value: unknown): LocalDate {
  if (!isValidDate(value)) throw new InvalidDateError(value);
  return value;
}

function parts(date: LocalDate): [number, number, number] {
  const m = ISO_RE.exec(date);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new InvalidDateError(date);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const USER_DATE_PATTERNS: RegExp[] = [
  /^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})$/,
  /^(\d{4})\s*\/\s*(\d{1,2})\s*\/\s*(\d{1,2})$/,
  /^(\d{4})\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})$/,
  /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/,
];

/** Folds full-width digits and separators (０-９, －, ／, ．) to ASCII. */
function toHalfWidth(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF0D\uFF0E\uFF0F]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/**
 * Reads a date typed by a person: `2023-05-01`, `2023-5-1`, `2023/5/1`, `2023.5.1`, `2023年5月1日`,
 * full-width digits and surrounding spaces. `impossible` means the shape was right but the day does not exist.
 */
export function parseUserDate(text: string): ParseDateResult {
  const input = text;
  const normalized = toHalfWidth(text).trim();
  for (const re of USER_DATE_PATTERNS) {
    const m = re.exec(normalized);
    if (m === null) continue;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (!isRealDate(year, month, day)) return { ok: false, reason: 'impossible', input, year, month, day };
    return { ok: true, date: fromParts(year, month, day) };
  }
  return { ok: false, reason: 'format', input };
}

/** Days since 1970-01-01 (proleptic Gregorian), after H. Hinnant's days_from_civil. */
function toDayNumber(date: LocalDate): number {
  const [y0, m, d] = parts(date);
  return dayNumberOf(y0, m, d);
}

function dayNumberOf(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(z0: number): LocalDate {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return fromParts(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

function checkAmount(n: number, unit: 'days' | 'months' | 'years'): void {
  if (!Number.isSafeInteger(n)) throw new InvalidAmountError(n, unit);
}

/** Negative when a < b, 0 when equal, positive when a > b (usable as an Array.sort comparator). */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return Math.sign(toDayNumber(a) - toDayNumber(b));
}

export function addDays(date: LocalDate, days: number): LocalDate {
  checkAmount(days, 'days');
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * 民法典 第二百零二条: a period in months ends on the corresponding day of the final month; when that month has no
 * such day, on its last day. So 2024-01-31 + 1 month = 2024-02-29.
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  checkAmount(months, 'months');
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return fromParts(year, month, Math.min(d, daysInMonth(year, month)));
}

/** 民法典 第二百零二条 for years: 2024-02-29 + 2 years = 2026-02-28. */
export function addYears(date: LocalDate, years: number): LocalDate {
  checkAmount(years, 'years');
  return addMonths(date, years * 12);
}

/** Signed whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekday(date: LocalDate): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7 + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new InvalidTimeZoneError(timeZone);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of `instant` in `timeZone`. */
function wallClock(instantMs: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const fields: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') fields[p.type] = Number(p.value);
  }
  const get = (k: string): number => fields[k] ?? 0;
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute'), s: get('second') };
}

/** Offset of `timeZone` from UTC at `instantMs`, in milliseconds (Asia/Shanghai: +8 h). */
function offsetMs(instantMs: number, timeZone: string): number {
  const w = wallClock(instantMs, timeZone);
  const asUtc = dayNumberOf(w.y, w.mo, w.d) * 86_400_000 + ((w.h * 60 + w.mi) * 60 + w.s) * 1000;
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The civil date that `instant` falls on in `timeZone`. */
export function toLocalDate(instant: Date, timeZone: string): LocalDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new InvalidDateError(instant, 'the Date is invalid');
  const w = wallClock(ms, timeZone);
  return fromParts(w.y, w.mo, w.d);
}

/**
 * The instant when the wall clock in `timeZone` reads `date time`. Like Temporal's "compatible" disambiguation: a
 * repeated wall time (DST fall-back) gives the earlier instant; a skipped one (spring-forward) is moved forward.
 */
export function zonedDateTime(date: LocalDate, time: string, timeZone: string): Date {
  const tm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (tm === null) throw new InvalidTimeError(time);
  // The wall time read as if it were UTC, then corrected by the offsets either side of any transition that day.
  const wall = toDayNumber(date) * 86_400_000 + (Number(tm[1]) * 60 + Number(tm[2])) * 60_000;
  const before = offsetMs(wall - 86_400_000, timeZone);
  const after = offsetMs(wall + 86_400_000, timeZone);
  const candidates = [...new Set([before, after])]
    .map((o) => wall - o)
    .filter((t) => offsetMs(t, timeZone) === wall - t)
    .sort((a, b) => a - b);
  return new Date(candidates[0] ?? wall - before);
}

/** zod schema for a canonical `LocalDate` in data files and persisted answers. */
export const localDateSchema = z.custom<LocalDate>(isValidDate, {
  message: 'expected an existing date written YYYY-MM-DD',
});
