/** OffsetClock and its file: real time plus an offset that only moves forward, kept across restarts. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import { asLocalDate } from '../../../src/domain/dates.ts';
import { ClockBackwardsError, ClockFile, OffsetClock } from '../../../src/sandbox/web/clock.ts';

describe('OffsetClock', () => {
  it('follows its base clock plus the offset', () => {
    const base = new ManualClock('2026-03-02T02:00:00Z');
    const c = new OffsetClock(0, base);
    c.advanceDays(7);
    expect(c.now().toISOString()).toBe('2026-03-09T02:00:00.000Z');
    base.advance(60_000);
    expect(c.now().toISOString()).toBe('2026-03-09T02:01:00.000Z');
    expect(c.offsetMs).toBe(7 * 86_400_000);
  });

  it('jumps to 09:00 on a date in the given time zone', () => {
    const c = new OffsetClock(0, new ManualClock('2026-03-02T02:00:00Z'));
    expect(c.jumpToDate(asLocalDate('2026-04-01'), 'Asia/Shanghai').toISOString()).toBe('2026-04-01T01:00:00.000Z');
  });

  it('never moves backwards', () => {
    const c = new OffsetClock(0, new ManualClock('2026-03-02T02:00:00Z'));
    expect(() => c.jumpTo(new Date('2026-03-02T02:00:00Z'))).toThrow(ClockBackwardsError);
    expect(() => c.jumpToDate(asLocalDate('2026-03-01'), 'Asia/Shanghai')).toThrow(/only moves forward/);
    expect(() => c.advance(-1)).toThrow(RangeError);
    expect(() => new OffsetClock(-5)).toThrow(RangeError);
    expect(c.offsetMs).toBe(0);
  });

  it('reset returns to the base clock', () => {
    const c = new OffsetClock(86_400_000, new ManualClock('2026-03-02T02:00:00Z'));
    c.reset();
    expect(c.now().toISOString()).toBe('2026-03-02T02:00:00.000Z');
  });
});

describe('ClockFile', () => {
  it('saves and loads the offset, and reads a missing or damaged file as no offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clockfile-'));
    const f = new ClockFile(join(dir, 'sandbox.db.clock.json'));
    expect(f.load()).toBe(0);
    f.save(123_000);
    expect(f.load()).toBe(123_000);
    writeFileSync(f.path, '{not json');
    expect(f.load()).toBe(0);
    writeFileSync(f.path, JSON.stringify({ offsetMs: -4 }));
    expect(f.load()).toBe(0);
    f.remove();
    expect(f.load()).toBe(0);
  });
});
