/** Why: the reminder plan is a pure function of (state, now); its timing, audiences, catch-up and mute rules are pinned here by tables. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildMilestones, loadCycleTemplate, type MilestoneId } from '../../src/domain/calendar.ts';
import { asLocalDate, zonedDateTime } from '../../src/domain/dates.ts';
import { loadReminderPolicy, ReminderPolicyError } from '../../src/domain/reminder-policy.ts';
import { deliveryTime, isQuiet, nextAllowed } from '../../src/domain/reminder-time.ts';
import { planReminders, previewReminders, slotsBetween, type CampaignData, type PlanState, type Reminder } from '../../src/domain/reminders.ts';

const TZ = 'Asia/Shanghai';
const FILE = 'prompts/zh-CN/reminders.yaml';
const cycle = loadCycleTemplate(readFileSync(new URL('../../prompts/zh-CN/cycle.yaml', import.meta.url), 'utf8'), 'cycle.yaml');
const policyText = readFileSync(new URL('../../prompts/zh-CN/reminders.yaml', import.meta.url), 'utf8');
const policy = loadReminderPolicy(policyText, FILE, { cycle });
const at = (date: string, time: string) => zonedDateTime(asLocalDate(date), time, TZ);
const local = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** A round opening Monday 2026-03-02: apply_deadline Thu 04-16, preselection ends Sat 05-30, inspection starts Sun 05-31. */
const milestones = buildMilestones(cycle, { opensOn: asLocalDate('2026-03-02') }).map((m) => ({
  key: m.id,
  name: m.name,
  startsOn: m.startsOn,
  endsOn: m.isWindow ? m.endsOn : null,
  tiers: [...m.tiers],
}));

function data(over: Partial<CampaignData> = {}): CampaignData {
  return {
    quotas: [{ regionId: 1, tier: 'bai', quota: 15 }, { regionId: 1, tier: 'qian', quota: 20 }],
    counts: [{ regionId: 1, tier: 'bai', submitted: 12, drafts: 2 }],
    incomplete: [
      { applicationId: 1, managerOpenId: 'ou_m1', unitName: '工行北京西单支行', regionId: 1, memberUnitId: 1, tier: 'bai', missing: ['申报表', '自评表'] },
      { applicationId: 2, managerOpenId: 'ou_m1', unitName: '工行北京东单支行', regionId: 1, memberUnitId: 1, tier: 'qian', missing: ['照片'] },
      { applicationId: 3, managerOpenId: 'ou_m2', unitName: '建行上海支行', regionId: 2, memberUnitId: 2, tier: 'qian', missing: [] },
    ],
    reviewBacklog: [{ applicationId: 4, unitName: '建行北京支行', regionId: 1, memberUnitId: 2, tier: 'bai' }],
    visits: [],
    sentLastWeek: 7,
    failedLastWeek: 1,
    ...over,
  };
}

function state(over: Partial<PlanState> = {}, campaign: Partial<PlanState['campaigns'][number]> = {}): PlanState {
  return {
    timezone: TZ,
    policy,
    campaigns: [{ id: 7, name: '2026—2027年度评选', status: 'OPEN', tiers: ['bai', 'qian'], milestones, data: data(), ...campaign }],
    regions: [{ id: 1, name: '北京', chatId: 'oc_bj' }, { id: 2, name: '上海', chatId: 'oc_sh' }, { id: 3, name: '广州', chatId: null }],
    people: {
      secretariat: ['ou_sec'],
      memberAdmins: [{ openId: 'ou_ma1', memberUnitId: 1 }, { openId: 'ou_ma2', memberUnitId: 2 }],
      regionalAdmins: [{ openId: 'ou_ra_bj', regionId: 1 }],
    },
    mutes: [],
    lastTickAt: null,
    ...over,
  };
}

const keys = (rs: Reminder[], d: Reminder['disposition'] = 'send') => rs.filter((r) => r.disposition === d).map((r) => r.dedupeKey).sort();

describe('prompts/zh-CN/reminders.yaml', () => {
  it('defaults to T-30, T-7, T-1 and the due day at 09:00, quiet 21:00–08:00 and weekends', () => {
    expect(policy.defaultOffsets).toEqual([30, 7, 1, 0]);
    expect(policy.sendAt).toBe('09:00');
    expect(policy.quietHours).toEqual({ start: '21:00', end: '08:00', weekends: true });
  });

  const broken: Array<[string, (p: Record<string, any>) => void, string]> = [
    ['a negative offset', (p) => (p.defaultOffsets = [7, -1]), `${FILE}: defaultOffsets[1]:`],
    ['a send time inside quiet hours', (p) => (p.sendAt = '22:30'), `${FILE}: sendAt: 22:30 falls inside quietHours`],
    ['a milestone cycle.yaml reminds about, left out', (p) => delete p.milestones.publicity, `${FILE}: milestones.publicity: cycle.yaml marks "publicity" remind: true`],
    ['audiences for a remind: false milestone', (p) => (p.milestones.national_review = { audiences: ['secretariat'] }), `${FILE}: milestones.national_review: cycle.yaml marks "national_review" remind: false`],
    ['an unknown audience', (p) => (p.milestones.publicity.audiences = ['everyone']), `${FILE}: milestones.publicity.audiences[0]:`],
    ['an unknown key', (p) => (p.sendAtt = '09:00'), `${FILE}: (root):`],
    ['a tier cycle.yaml does not declare', (p) => (p.memberReview.tiers = ['wu']), `${FILE}: memberReview.tiers[0]: unknown tier "wu"`],
    ['a bad cron expression', (p) => (p.tick = 'every five minutes'), `${FILE}: tick: "every five minutes" is not a valid cron expression`],
  ];
  it.each(broken)('refuses %s, naming the file and the key', (_what, edit, message) => {
    const doc = parse(policyText) as Record<string, any>;
    edit(doc);
    const load = () => loadReminderPolicy(stringify(doc), FILE, { cycle, validateCron: (e) => /^(\S+\s+){4}\S+$/.test(e) });
    expect(load).toThrow(ReminderPolicyError);
    expect(load).toThrow(message);
  });
});

describe('quiet hours', () => {
  const cases: Array<[string, string, string]> = [
    // now (local)            → next allowed (local)
    ['2026-04-14 12:00', '2026-04-14 12:00', 'a Tuesday noon is allowed'],
    ['2026-04-14 03:00', '2026-04-14 08:00', 'before 08:00 waits for 08:00'],
    ['2026-04-14 21:00', '2026-04-15 08:00', '21:00 is quiet'],
    ['2026-04-17 22:00', '2026-04-20 08:00', 'Friday night waits for Monday'],
    ['2026-04-18 10:00', '2026-04-20 08:00', 'Saturday waits for Monday'],
    ['2026-04-19 23:59', '2026-04-20 08:00', 'late Sunday waits for Monday'],
  ];
  it.each(cases)('%s → %s (%s)', (now, expected) => {
    const [d, t] = now.split(' ') as [string, string];
    expect(local(nextAllowed(policy.quietHours, at(d, t), TZ))).toBe(expected);
  });

  it('a due day that falls on a weekend is brought forward to Friday, not deferred past the deadline', () => {
    const due = at('2026-05-30', '09:00'); // Saturday
    expect(local(deliveryTime(policy.quietHours, due, '09:00', at('2026-05-31', '00:00'), TZ))).toBe('2026-05-29 09:00');
  });

  it('no quiet hours: everything goes at its time', () => {
    expect(isQuiet(null, at('2026-04-18', '23:00'), TZ)).toBe(false);
  });
});

describe('when each milestone reminder goes out', () => {
  const year = [at('2026-01-01', '00:00'), at('2028-01-01', '00:00')] as const;
  const times = (id: MilestoneId, kind = 'region_group') =>
    slotsBetween(state(), [{ ...state().campaigns[0]!, status: 'OPEN' }], ...year)
      .filter((s) => s.milestone === id && s.kind === kind)
      .map((s) => `${s.offsetLabel}@${local(s.deliverAt)}`);
  const table: Array<[MilestoneId, string[]]> = [
    ['apply_deadline', ['-30d@2026-03-17 09:00', '-7d@2026-04-09 09:00', '-1d@2026-04-15 09:00', '0d@2026-04-16 09:00']],
    // Ends Saturday 05-30: T-7 (Sat) → Monday 08:00; the due day is brought forward to Friday, absorbing T-1.
    ['regional_preselection', ['-7d@2026-05-25 08:00', '0d@2026-05-29 09:00']],
    // Starts Sunday 05-31: T-1 (Sat) and the due day both land on Friday: one reminder, the due day's.
    ['inspection', ['-30d@2026-05-01 09:00', '-7d@2026-05-25 08:00', '0d@2026-05-29 09:00']],
    // Starts Monday 11-02: T-1 (Sunday) moves to Monday, the due day itself: one reminder.
    ['publicity', ['0d@2026-11-02 09:00']],
    ['announcement', ['-7d@2026-11-25 09:00', '0d@2026-12-02 09:00']],
    ['supervision', ['-30d@2027-08-03 09:00', '-7d@2027-08-26 09:00', '-1d@2027-09-01 09:00', '0d@2027-09-02 09:00']],
  ];
  it.each(table)('%s', (id, expected) => {
    expect(times(id)).toEqual(expected);
  });

  it('the qualification review counts back from the last day of its window (04-30)', () => {
    expect(times('qualification_review', 'member_admin')).toEqual(['-7d@2026-04-23 09:00', '-1d@2026-04-29 09:00', '0d@2026-04-30 09:00']);
  });

  it('escalations go the day after a window ends, and digests every Monday while the round is open', () => {
    const s = slotsBetween(state(), state().campaigns, at('2026-04-25', '00:00'), at('2026-05-12', '00:00'));
    expect(s.filter((x) => x.kind === 'escalation').map((x) => `${x.milestone}${x.offsetLabel}@${local(x.deliverAt)}`)).toEqual(['qualification_review+1d@2026-05-01 09:00']);
    expect(s.filter((x) => x.kind === 'digest').map((x) => local(x.deliverAt))).toEqual(['2026-04-27 09:00', '2026-05-04 09:00', '2026-05-11 09:00']);
  });

  it('application reminders stop once the round is closed', () => {
    const closed = slotsBetween(state(), [{ ...state().campaigns[0]!, status: 'CLOSED' }], at('2026-04-01', '00:00'), at('2026-04-17', '00:00'));
    expect(closed.filter((s) => s.milestone === 'apply_deadline')).toEqual([]);
  });
});

describe('planReminders: who gets what', () => {
  const t7 = at('2026-04-09', '09:00');
  const plan = planReminders(state({ lastTickAt: at('2026-04-09', '08:55') }), t7);

  it('plans every audience of apply_deadline T-7, once, under its dedupe key', () => {
    expect(keys(plan)).toEqual([
      'reminder:7:apply_deadline@2026-04-16:-7d:group:oc_bj',
      'reminder:7:apply_deadline@2026-04-16:-7d:group:oc_sh',
      'reminder:7:apply_deadline@2026-04-16:-7d:manager:ou_m1',
      'reminder:7:apply_deadline@2026-04-16:-7d:manager:ou_m2',
      'reminder:7:apply_deadline@2026-04-16:-7d:member:ou_ma2',
    ]);
  });

  it('a manager gets one reminder listing exactly what each of their applications lacks', () => {
    const r = plan.find((x) => x.recipient === 'manager:ou_m1')!;
    expect(r.to).toEqual({ type: 'open_id', id: 'ou_m1' });
    expect(r.content).toMatchObject({ kind: 'branch_manager', daysLeft: 7, anchor: '2026-04-16', milestoneName: '申报截止' });
    expect(r.content.kind === 'branch_manager' && r.content.applications).toEqual([
      { applicationId: 1, unitName: '工行北京西单支行', tier: 'bai', missing: ['申报表', '自评表'] },
      { applicationId: 2, unitName: '工行北京东单支行', tier: 'qian', missing: ['照片'] },
    ]);
  });

  it("a region's group gets submitted counts against quota; a region with no group gets nothing", () => {
    const bj = plan.find((x) => x.recipient === 'group:oc_bj')!;
    expect(bj.content.kind === 'region_group' && bj.content.rows).toEqual([
      { tier: 'bai', submitted: 12, drafts: 2, quota: 15 },
      { tier: 'qian', submitted: 0, drafts: 0, quota: 20 },
    ]);
    expect(plan.some((x) => x.regionIds.includes(3) && x.kind === 'region_group')).toBe(false);
  });

  it('a member admin gets their own bank backlog, and nothing when it is empty', () => {
    const r = plan.find((x) => x.recipient === 'member:ou_ma2')!;
    expect(r.content.kind === 'member_admin' && r.content.items.map((i) => i.unitName)).toEqual(['建行北京支行']);
    expect(plan.some((x) => x.recipient === 'member:ou_ma1')).toBe(false);
  });

  it('an overdue review is escalated to the regional admin of its region', () => {
    const p = planReminders(state({ lastTickAt: at('2026-05-01', '08:00') }, { status: 'CLOSED' }), at('2026-05-01', '09:00'));
    const esc = p.filter((x) => x.kind === 'escalation');
    expect(esc.map((x) => x.dedupeKey)).toEqual(['reminder:7:qualification_review@2026-04-30:+1d:escalation:1:ou_ra_bj']);
    expect(esc[0]!.content).toMatchObject({ kind: 'escalation', regionName: '北京', daysLeft: -1, items: [{ unitName: '建行北京支行', what: 'review' }] });
    expect(esc[0]!.critical).toBe(true);
  });

  it('an overdue item in a region with no regional admin goes to the secretariat instead', () => {
    const shItem = { applicationId: 5, unitName: '建行上海支行', regionId: 2, memberUnitId: 2, tier: 'bai' };
    const p = planReminders(state({ lastTickAt: at('2026-05-01', '08:00') }, { status: 'CLOSED', data: data({ reviewBacklog: [shItem] }) }), at('2026-05-01', '09:00'));
    expect(keys(p).filter((k) => k.includes('escalation'))).toEqual(['reminder:7:qualification_review@2026-04-30:+1d:escalation:2:ou_sec']);
  });

  it('a moved deadline gets its reminders again: the key carries the milestone\'s date', () => {
    const moved = state({ lastTickAt: at('2026-04-16', '08:55') });
    const c = moved.campaigns[0]!;
    const extended = { ...moved, campaigns: [{ ...c, milestones: c.milestones.map((m) => (m.key === 'apply_deadline' ? { ...m, startsOn: '2026-04-23' as typeof m.startsOn } : m)) }] };
    const p = planReminders(extended, at('2026-04-16', '09:00'));
    expect(keys(p).filter((k) => k.includes('manager:ou_m1'))).toEqual(['reminder:7:apply_deadline@2026-04-23:-7d:manager:ou_m1']);
    expect(keys(plan)).toContain('reminder:7:apply_deadline@2026-04-16:-7d:manager:ou_m1');
  });

  it('the weekly digest sums the round for the secretariat', () => {
    const p = planReminders(state({ lastTickAt: at('2026-04-13', '08:00') }), at('2026-04-13', '09:00'));
    expect(keys(p)).toEqual(['reminder:7:digest:2026-04-13:digest:ou_sec']);
    expect(p[0]!.content).toMatchObject({ kind: 'digest', phase: '申报启动', backlog: 1, sentLastWeek: 7, failedLastWeek: 1, totals: [{ tier: 'bai', submitted: 12, drafts: 2, quota: 15 }, { tier: 'qian', submitted: 0, drafts: 0, quota: 20 }] });
  });

  it('is pure: the same state and time give the same keys (a second tick is a no-op at the outbox)', () => {
    expect(keys(planReminders(state({ lastTickAt: at('2026-04-09', '08:55') }), t7))).toEqual(keys(plan));
  });

  it('plans nothing when the clock has not moved past the last tick', () => {
    expect(planReminders(state({ lastTickAt: t7 }), t7)).toEqual([]);
  });
});

describe('catch-up, mute', () => {
  const manager = (rs: Reminder[]) => rs.filter((r) => r.recipient === 'manager:ou_m2').map((r) => `${r.offsetLabel}:${r.disposition}`).sort();

  it('down from before T-7 until after T-1: only the latest reminder is sent, the earlier one is superseded', () => {
    const p = planReminders(state({ lastTickAt: at('2026-04-08', '18:00') }), at('2026-04-15', '14:00'));
    expect(manager(p)).toEqual(['-1d:send', '-7d:superseded']);
  });

  it('down past the deadline: reminders no longer useful are dropped', () => {
    const p = planReminders(state({ lastTickAt: at('2026-04-14', '18:00') }), at('2026-04-17', '10:00'));
    expect(manager(p)).toEqual(['-1d:expired', '0d:expired']);
  });

  it('a deadline-day reminder that fell due in the morning is still sent that afternoon', () => {
    const p = planReminders(state({ lastTickAt: at('2026-04-15', '18:00') }), at('2026-04-16', '16:00'));
    expect(manager(p)).toEqual(['0d:send']);
  });

  it('the first tick ever looks back firstRunLookbackHours only', () => {
    const p = planReminders(state(), at('2026-04-16', '10:00'));
    expect(manager(p)).toEqual(['0d:send']);
    expect(p.some((r) => r.offsetLabel === '-1d')).toBe(false);
  });

  it('/mute silences non-critical personal reminders only; the due day still reaches the person, groups are unaffected', () => {
    const muted = state({ mutes: ['ou_m2', 'oc_bj'] });
    expect(manager(planReminders({ ...muted, lastTickAt: at('2026-04-09', '08:00') }, at('2026-04-09', '09:00')))).toEqual(['-7d:muted']);
    const day = planReminders({ ...muted, lastTickAt: at('2026-04-16', '08:00') }, at('2026-04-16', '09:00'));
    expect(manager(day)).toEqual(['0d:send']);
    expect(day.find((r) => r.recipient === 'group:oc_bj')!.disposition).toBe('send');
  });

  it('preview lists what is coming, muted ones marked, without catch-up rules', () => {
    const p = previewReminders(state({ mutes: ['ou_m2'] }), at('2026-04-08', '12:00'), at('2026-04-16', '12:00'));
    expect(manager(p)).toEqual(['-1d:muted', '-7d:muted', '0d:send']);
    expect(p.every((r) => r.deliverAt > at('2026-04-08', '12:00'))).toBe(true);
  });
});

describe('tiers', () => {
  it('qualification-review reminders concern 百佳 only', () => {
    const qian = { applicationId: 9, managerOpenId: 'ou_q', unitName: '千佳网点', regionId: 1, memberUnitId: 1, tier: 'qian', missing: [] };
    const onlyQian: Partial<PlanState['campaigns'][number]> = { milestones: milestones.map((m) => (m.key === 'apply_deadline' ? { ...m, tiers: ['bai'] } : m)), data: data({ incomplete: [qian] }) };
    const p = planReminders(state({ lastTickAt: at('2026-04-09', '08:00') }, onlyQian), at('2026-04-09', '09:00'));
    expect(p.some((r) => r.recipient === 'manager:ou_q')).toBe(false);
  });
});
