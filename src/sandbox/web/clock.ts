/** Why: the sandbox's clock control: real time plus an offset that only moves forward, so reminders fire as across a cycle. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { systemClock, type Clock } from '../../clock.ts';
import { zonedDateTime, type LocalDate } from '../../domain/dates.ts';

/** Thrown when asked to move the sandbox clock backwards (the outbox, dedupe and reminders assume time only advances). */
export class ClockBackwardsError extends Error {
  constructor(readonly to: Date, readonly now: Date) {
    super(`The sandbox clock only moves forward: ${to.toISOString()} is not after ${now.toISOString()}. Pick a later date, or reset the sandbox to start again from real time.`);
    this.name = 'ClockBackwardsError';
  }
}

/**
 * Real time (or any base clock) plus an offset. Passed as `clock` to the fake Open Platform and to createApp, so event
 * timestamps, signatures, deadlines and reminders all see the same moved time.
 */
export class OffsetClock implements Clock {
  private offset: number;

  constructor(offsetMs = 0, private readonly base: Clock = systemClock) {
    if (!Number.isFinite(offsetMs) || offsetMs < 0) throw new RangeError(`OffsetClock: offset must be a finite number ≥ 0, got ${offsetMs}`);
    this.offset = offsetMs;
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offset);
  }

  /** How far ahead of the base clock the sandbox is, in milliseconds. */
  get offsetMs(): number {
    return this.offset;
  }

  /** Moves forward by `ms` (≥ 0). */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`OffsetClock.advance: expected milliseconds ≥ 0, got ${ms}`);
    this.offset += ms;
    return this.now();
  }

  advanceDays(days: number): Date {
    return this.advance(days * 86_400_000);
  }

  /** Jumps to an instant in the future; refuses the past. */
  jumpTo(to: Date): Date {
    const now = this.now();
    if (!(to.getTime() > now.getTime())) throw new ClockBackwardsError(to, now);
    return this.advance(to.getTime() - now.getTime());
  }

  /** Jumps to `time` (default 09:00, when working-day reminders go out) on a date in `timeZone`. */
  jumpToDate(date: LocalDate, timeZone: string, time = '09:00'): Date {
    return this.jumpTo(zonedDateTime(date, time, timeZone));
  }

  /** Back to the base clock (used by reset, which also starts a fresh database). */
  reset(): void {
    this.offset = 0;
  }
}

/**
 * The offset is kept next to the sandbox database (`<db>.clock.json`), so a restart resumes at the sandbox's time
 * instead of jumping back behind campaigns that were created "in the future".
 */
export class ClockFile {
  constructor(readonly path: string) {}

  load(): number {
    if (!existsSync(this.path)) return 0;
    try {
      const v = (JSON.parse(readFileSync(this.path, 'utf8')) as { offsetMs?: unknown }).offsetMs;
      return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
    } catch {
      return 0;
    }
  }

  save(offsetMs: number): void {
    writeFileSync(this.path, JSON.stringify({ offsetMs, note: 'sandbox clock offset; delete this file to return to real time' }) + '\n');
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
