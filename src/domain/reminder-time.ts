/** Why: quiet hours and weekends decide when a due reminder may actually go out; a pure rule on instants in BOT_TIMEZONE. */

import { addDays, toLocalDate, weekday, zonedDateTime, type LocalDate } from './dates.ts';
import { inQuietWindow, type ReminderPolicy } from './reminder-policy.ts';

const fmt = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight (0–1439) of `instant` in `timeZone`. */
export function localMinutes(instant: Date, timeZone: string): number {
  let f = fmt.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' });
    fmt.set(timeZone, f);
  }
  let h = 0;
  let m = 0;
  for (const p of f.formatToParts(instant)) {
    if (p.type === 'hour') h = Number(p.value) % 24;
    if (p.type === 'minute') m = Number(p.value);
  }
  return h * 60 + m;
}

/** `HH:mm` of an instant in the zone, for display. */
export function localTimeText(instant: Date, timeZone: string): string {
  const m = localMinutes(instant, timeZone);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export type QuietRule = ReminderPolicy['quietHours'];

function isWeekend(d: LocalDate): boolean {
  return weekday(d) >= 6;
}

/** True when nothing may be sent at `instant`: inside the quiet hours, or on a weekend when weekends are quiet. */
export function isQuiet(quiet: QuietRule, instant: Date, timeZone: string): boolean {
  if (!quiet) return false;
  if (quiet.weekends && isWeekend(toLocalDate(instant, timeZone))) return true;
  return inQuietWindow(quiet, localMinutes(instant, timeZone));
}

/**
 * The first instant at or after `t` when sending is allowed. Candidates are `t` itself and the end of the quiet
 * hours on each following day (skipping quiet weekends).
 */
export function nextAllowed(quiet: QuietRule, t: Date, timeZone: string): Date {
  if (!quiet || !isQuiet(quiet, t, timeZone)) return t;
  const day = toLocalDate(t, timeZone);
  for (let k = 0; k <= 14; k++) {
    const c = zonedDateTime(addDays(day, k), quiet.end, timeZone);
    if (c.getTime() >= t.getTime() && !isQuiet(quiet, c, timeZone)) return c;
  }
  return t; // only reachable with a policy that is quiet all week, which validation makes impossible in practice
}

/** The last instant at or before `t`, at `at` o'clock on some day, when sending is allowed (null if none in 14 days). */
export function previousAllowedAt(quiet: QuietRule, t: Date, at: string, timeZone: string): Date | null {
  const day = toLocalDate(t, timeZone);
  for (let k = 0; k <= 14; k++) {
    const c = zonedDateTime(addDays(day, -k), at, timeZone);
    if (c.getTime() <= t.getTime() && !isQuiet(quiet, c, timeZone)) return c;
  }
  return null;
}

/**
 * When a reminder nominally due at `due` goes out. It is deferred to the next allowed time; if that would be at or
 * after `mustBeBefore` (its deadline has passed), it is brought forward to the last allowed `at` o'clock before `due`.
 */
export function deliveryTime(quiet: QuietRule, due: Date, at: string, mustBeBefore: Date | null, timeZone: string): Date {
  const next = nextAllowed(quiet, due, timeZone);
  if (!mustBeBefore || next.getTime() < mustBeBefore.getTime()) return next;
  return previousAllowedAt(quiet, due, at, timeZone) ?? next;
}

/** Monday (ISO week start) of the week `d` falls in. */
export function weekStart(d: LocalDate): LocalDate {
  return addDays(d, 1 - weekday(d));
}
