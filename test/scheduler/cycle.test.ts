/** Why: steps a ManualClock through a whole two-year round, day by day, and checks every reminder the calendar implies is written to the outbox once, on time, with the right content. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addDays, asLocalDate, compareDates, weekday } from '../../src/domain/dates.ts';
import type { TickResult } from '../../src/scheduler/scheduler.ts';
import { local, localText, preselect, reminderRows, seedWorld, type World } from './seed.ts';

let h: Harness;
let w: World;
const results: Array<{ at: string; r: TickResult }> = [];

/** Things people do during the round, at noon local time on these days. */
const EVENTS: Record<string, (h: Harness, w: World) => Promise<unknown>> = {
  '2026-04-12': (h, w) => h.prisma.application.update({ where: { id: w.apps.m2 }, data: { status: 'SUBMITTED' } }),
  '2026-04-17': (h, w) => h.app.deps.services.campaigns.move('ou_sec1', w.campaignId, 'OPEN', 'CLOSED'),
  '2026-05-02': (h, w) => h.prisma.application.update({ where: { id: w.apps.c }, data: { status: 'QUALIFIED' } }),
  '2026-05-20': (h, w) => preselect(h, w),
  '2026-12-02': (h, w) => h.app.deps.services.campaigns.move('ou_sec1', w.campaignId, 'CLOSED', 'ANNOUNCED'),
  '2027-06-01': (h) => h.app.scheduler.mute('ou_sec2'),
  '2028-01-10': (h, w) => h.app.deps.services.campaigns.move('ou_sec1', w.campaignId, 'ANNOUNCED', 'ARCHIVED'),
};

beforeAll(async () => {
  // The sender is not started: the outbox is the contract here (a few end-to-end sends are checked in delivery.test.ts).
  h = await createHarness({ start: false, clockStart: '2026-02-20T02:00:00Z' });
  w = await seedWorld(h, { opensOn: '2026-03-02' });
  await h.app.scheduler.mute('ou_m4');
  results.push({ at: 'open', r: await h.app.scheduler.tick() });
  for (let day = asLocalDate('2026-02-21'); compareDates(day, asLocalDate('2028-02-29')) <= 0; day = addDays(day, 1)) {
    const n = Number(day.slice(8));
    // 09:00 every day, and 08:00 on Mondays (when weekend reminders are delivered); some afternoons; off-hours
    // ticks (quiet: they must do nothing) on others.
    const steps = [n % 10 === 5 ? '03:00' : null, weekday(day) === 1 ? '08:00' : null, '09:00', 'event', n % 7 === 3 ? '14:00' : null, n % 3 === 0 ? '23:30' : null];
    for (const step of steps) {
      if (!step) continue;
      if (step === 'event') {
        const ev = EVENTS[day];
        if (ev) {
          h.clock.set(local(day, '12:00'));
          await ev(h, w);
        }
        continue;
      }
      h.clock.set(local(day, step));
      results.push({ at: `${day} ${step}`, r: await h.app.scheduler.tick() });
    }
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** The date each milestone's reminders are about (a window's start, or its end for its own deadline and escalation). */
const ANCHOR: Record<string, string> = {
  apply_open: '2026-03-02', apply_deadline: '2026-04-16', qualification_review: '2026-04-30', regional_preselection: '2026-05-30',
  inspection: '2026-05-31', 'inspection+': '2026-09-27', publicity: '2026-11-02', announcement: '2026-12-02', supervision: '2027-09-02', next_round_prep: '2027-12-02',
};

/** [dedupe key (without the campaign prefix), local time it must be written]. */
function expected(): Array<[string, string]> {
  const groups = ['group:oc_bj', 'group:oc_sh'];
  const sec = ['secretariat:ou_sec1', 'secretariat:ou_sec2'];
  const out: Array<[string, string]> = [];
  const key = (milestone: string, offset: string) => (milestone === 'digest' ? milestone : `${milestone}@${ANCHOR[offset.startsWith('+') ? `${milestone}+` : milestone] ?? ANCHOR[milestone]}`);
  const add = (milestone: string, offset: string, when: string, recipients: string[]) => recipients.forEach((r) => out.push([`${key(milestone, offset)}:${offset}:${r}`, when]));
  // apply_open (Mon 03-02): T-1 is a Sunday, so it moves to Monday and merges into the due day.
  add('apply_open', '-7d', '2026-02-23 09:00', groups);
  add('apply_open', '0d', '2026-03-02 09:00', groups);
  // apply_deadline (Thu 04-16). ou_m4 muted himself: only the due day reaches him. m2 submitted on 04-12.
  add('apply_deadline', '-30d', '2026-03-17 09:00', ['manager:ou_m1', 'manager:ou_m2', ...groups, 'member:ou_ma2']);
  add('apply_deadline', '-7d', '2026-04-09 09:00', ['manager:ou_m1', 'manager:ou_m2', ...groups, 'member:ou_ma2']);
  add('apply_deadline', '-1d', '2026-04-15 09:00', ['manager:ou_m1', ...groups, 'member:ou_ma2']);
  add('apply_deadline', '0d', '2026-04-16 09:00', ['manager:ou_m1', 'manager:ou_m4', ...groups, 'member:ou_ma2']);
  // qualification_review ends Thu 04-30; 建行 still has not reviewed on 05-01, so 北京's admin hears of it.
  add('qualification_review', '-7d', '2026-04-23 09:00', ['member:ou_ma2']);
  add('qualification_review', '-1d', '2026-04-29 09:00', ['member:ou_ma2']);
  add('qualification_review', '0d', '2026-04-30 09:00', ['member:ou_ma2']);
  add('qualification_review', '+1d', '2026-05-01 09:00', [`escalation:${w.regions.bj}:ou_ra_bj`]);
  // regional_preselection ends Sat 05-30: T-7 (Sat) → Mon 08:00; the due day comes forward to Friday and absorbs T-1.
  add('regional_preselection', '-7d', '2026-05-25 08:00', groups);
  add('regional_preselection', '0d', '2026-05-29 09:00', groups);
  // inspection starts Sun 05-31. ou_i1's check of c counts from c's preselection (05-20), so T-30 (05-01) reaches only
  // the groups; the check is never submitted, so it is escalated after the window (Sun 09-27).
  add('inspection', '-30d', '2026-05-01 09:00', groups);
  add('inspection', '-7d', '2026-05-25 08:00', [...groups, 'inspector:ou_i1']);
  add('inspection', '0d', '2026-05-29 09:00', [...groups, 'inspector:ou_i1']);
  add('inspection', '+1d', '2026-09-28 09:00', [`escalation:${w.regions.bj}:ou_ra_bj`]);
  add('publicity', '0d', '2026-11-02 09:00', groups);
  add('announcement', '-7d', '2026-11-25 09:00', [...groups, ...sec]);
  add('announcement', '0d', '2026-12-02 09:00', [...groups, ...sec]);
  // ou_sec2 muted on 2027-06-01: from then on only due-day reminders reach them.
  for (const m of [['supervision', '2027-08-03', '2027-08-26', '2027-09-01', '2027-09-02'], ['next_round_prep', '2027-11-02', '2027-11-25', '2027-12-01', '2027-12-02']] as const) {
    add(m[0], '-30d', `${m[1]} 09:00`, [...groups, sec[0]!]);
    add(m[0], '-7d', `${m[2]} 09:00`, [...groups, sec[0]!]);
    add(m[0], '-1d', `${m[3]} 09:00`, [...groups, sec[0]!]);
    add(m[0], '0d', `${m[4]} 09:00`, [...groups, ...sec]);
  }
  // The weekly digest, every Monday (2026-02-23 is one) while the round is OPEN or CLOSED (opened 02-20, announced 12-02).
  for (let d = asLocalDate('2026-02-23'); compareDates(d, asLocalDate('2026-12-01')) <= 0; d = addDays(d, 7)) {
    add('digest', d, `${d} 09:00`, ['digest:ou_sec1', 'digest:ou_sec2']);
  }
  return out.map(([k, t]) => [`reminder:${w.campaignId}:${k}`, t]);
}

describe('a whole two-year round, one day at a time', () => {
  it('writes exactly the reminders the calendar implies, each once, at the time it is due', async () => {
    const rows = await reminderRows(h);
    const got = rows.map((r) => [r.dedupeKey, localText(r.createdAt)]).sort();
    expect(got).toEqual(expected().sort());
    expect(new Set(rows.map((r) => r.dedupeKey)).size).toBe(rows.length);
  });

  it('ticks report what they wrote, nothing is dropped or written twice, and quiet-hour ticks do nothing', async () => {
    const total = results.reduce((n, x) => n + x.r.enqueued, 0);
    expect(total).toBe((await reminderRows(h)).length);
    expect(results.reduce((n, x) => n + x.r.duplicates + x.r.dropped, 0)).toBe(0);
    const quiet = results.filter((x) => x.r.skipped === 'quiet');
    expect(quiet.length).toBeGreaterThan(200);
    expect(quiet.every((x) => x.at.endsWith('23:30') || x.at.endsWith('03:00') || weekday(asLocalDate(x.at.slice(0, 10))) >= 6)).toBe(true);
    expect(results.filter((x) => x.r.muted > 0).map((x) => x.at)).toContain('2026-03-17 09:00');
  });

  it('a manager reminder lists exactly what is missing and offers the next step', async () => {
    const row = (await reminderRows(h)).find((r) => r.dedupeKey === `reminder:${w.campaignId}:apply_deadline@2026-04-16:-7d:manager:ou_m1`)!;
    expect(row.receiveIdType).toBe('open_id');
    expect(row.receiveId).toBe('ou_m1');
    const text = row.content;
    expect(text).toContain('⏰ 申报截止 · 还有 7 天');
    expect(text).toContain('工行北京西单支行**（百佳）还差 2 项');
    expect(text).toContain('- 1. 申报表（经会员单位签字盖章）\\n- 2. 对照评价标准的自评打分表');
    expect(text).toContain('{"a":"apply.resume"}');
    expect(text).toContain('{"a":"apply.mine"}');
  });

  it("a region's group sees submitted counts against quota and the days left, with the status button", async () => {
    const rows = await reminderRows(h);
    const sh = rows.find((r) => r.dedupeKey === `reminder:${w.campaignId}:apply_deadline@2026-04-16:-1d:group:oc_sh`)!;
    expect(sh.receiveIdType).toBe('chat_id');
    expect(sh.content).toContain('千佳：已提交 **1** 份，名额 8（另有 0 份填写中）');
    expect(sh.content).toContain('申报截止 · 就在明天');
    expect(sh.content).toContain(`{"a":"campaign.status_card","id":${w.campaignId}}`);
    const bj = rows.find((r) => r.dedupeKey === `reminder:${w.campaignId}:apply_deadline@2026-04-16:-30d:group:oc_bj`)!;
    expect(bj.content).toContain('百佳：已提交 **1** 份，名额 5（另有 1 份填写中）');
    expect(bj.content).toContain('还有 30 天');
  });

  it('member admins get their backlog; regional admins get what is overdue; the secretariat gets a digest', async () => {
    const rows = await reminderRows(h);
    const get = (k: string) => rows.find((r) => r.dedupeKey === `reminder:${w.campaignId}:${k}`)!.content;
    expect(get('qualification_review@2026-04-30:-1d:member:ou_ma2')).toContain('建行北京朝阳支行（百佳）');
    expect(get(`qualification_review@2026-04-30:+1d:escalation:${w.regions.bj}:ou_ra_bj`)).toContain('建行北京朝阳支行（百佳）：等待会员单位资格审定');
    // Assignments carry no planned date: the inspector sees the unit and the kind of check, dated 待定.
    expect(get(`inspection@2026-09-27:+1d:escalation:${w.regions.bj}:ou_ra_bj`)).toContain('建行北京朝阳支行（百佳）：检查尚未完成（安排于 日期待定）');
    expect(get('inspection@2026-05-31:-7d:inspector:ou_i1')).toContain('日期待定　建行北京朝阳支行（百佳，现场检查）');
    const digest = get('digest:2026-04-20:digest:ou_sec1');
    expect(digest).toContain('每周评选简报');
    expect(digest).toContain('百佳：已提交 **1** 份 / 名额合计 8');
  });
});
