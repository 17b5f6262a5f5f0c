/** Why: when the urgent escalation runs, who is marked and which admins hear of which units are pure rules, pinned by tables. */
import { describe, expect, it } from 'vitest';
import { asLocalDate, zonedDateTime } from '../../src/domain/dates.ts';
import { planUrgent, urgentDue, urgentSlot, type UrgentManager } from '../../src/domain/urgency.ts';

const TZ = 'Asia/Shanghai';
const quiet = { start: '21:00', end: '08:00', weekends: true };
const at = (date: string, time: string) => zonedDateTime(asLocalDate(date), time, TZ);

describe('urgentSlot', () => {
  it.each([
    ['a Friday deadline: that afternoon', '2026-05-29', at('2026-05-29', '15:00')],
    ['a Sunday deadline: brought forward to Friday afternoon', '2026-05-31', at('2026-05-29', '15:00')],
    ['a Saturday deadline: Friday too', '2026-05-30', at('2026-05-29', '15:00')],
    ['a Monday deadline: Monday', '2026-06-01', at('2026-06-01', '15:00')],
  ])('%s', (_name, deadline, deliverAt) => {
    const s = urgentSlot(quiet, asLocalDate(deadline), '15:00', TZ);
    expect(s.deliverAt).toEqual(deliverAt);
    expect(s.expiresAt).toEqual(new Date(zonedDateTime(asLocalDate(deadline), '00:00', TZ).getTime() + 86_400_000));
  });

  it.each([
    ['before the time', at('2026-05-29', '14:59'), false],
    ['at the time', at('2026-05-29', '15:00'), true],
    ['late that evening', at('2026-05-29', '23:59'), true],
    ['the next day', at('2026-05-30', '00:00'), false],
  ])('runs %s: %s', (_name, now, due) => {
    expect(urgentDue(urgentSlot(quiet, asLocalDate('2026-05-29'), '15:00', TZ), now)).toBe(due);
  });

  it('with no quiet hours the deadline day itself is used, weekend or not', () => {
    expect(urgentSlot(null, asLocalDate('2026-05-31'), '15:00', TZ).deliverAt).toEqual(at('2026-05-31', '15:00'));
  });
});

describe('planUrgent', () => {
  const unit = (applicationId: number, regionId: number, missing = ['1. 申报表']) => ({ applicationId, unitName: `支行${applicationId}`, tier: 'qian', regionId, missing });
  const mgr = (openId: string, o: Partial<UrgentManager>): UrgentManager => ({ openId, reminderMessageId: `om_${openId}`, read: false, units: [unit(1, 1)], ...o });
  const base = { regions: [{ id: 1, name: '北京' }, { id: 2, name: '上海' }], regionalAdmins: [{ openId: 'ou_ra1', regionId: 1 }, { openId: 'ou_ra1b', regionId: 1 }], secretariat: ['ou_sec'] };

  it.each([
    ['unread and missing items: marked', [mgr('a', {})], ['a'], ['ou_ra1:1', 'ou_ra1b:1']],
    ['read: left alone', [mgr('a', { read: true })], [], []],
    ['nothing missing: left alone', [mgr('a', { units: [unit(1, 1, [])] })], [], []],
    ['no reminder to mark: reported only', [mgr('a', { reminderMessageId: null })], [], ['ou_ra1:1', 'ou_ra1b:1']],
    ['a region without admins: the secretariat hears', [mgr('a', { units: [unit(2, 2)] })], ['a'], ['ou_sec:2']],
  ])('%s', (_name, managers, urgent, notices) => {
    const p = planUrgent({ ...base, managers });
    expect(p.urgent.map((u) => u.openId)).toEqual(urgent);
    expect(p.notices.map((n) => `${n.to}:${n.regionId}`)).toEqual(notices);
  });

  it('one mark per manager for all their units; each region lists its own units, marked or not', () => {
    const p = planUrgent({ ...base, managers: [mgr('a', { units: [unit(3, 1), unit(1, 2)] }), mgr('b', { reminderMessageId: null, units: [unit(2, 1)] })] });
    expect(p.urgent).toEqual([{ openId: 'a', messageId: 'om_a', applicationIds: [3, 1] }]);
    const bj = p.notices.find((n) => n.to === 'ou_ra1')!;
    expect(bj.units.map((u) => [u.applicationId, u.urgent])).toEqual([[2, false], [3, true]]);
    expect(p.notices.find((n) => n.to === 'ou_sec')!.units.map((u) => u.applicationId)).toEqual([1]);
  });
});
