/** Why: which tasks exist, change, complete or go is a pure function of (state, today); each rule is pinned here by a table of cases. */
import { describe, expect, it } from 'vitest';
import { asLocalDate } from '../../src/domain/dates.ts';
import { planTasks, type ExistingTask, type TaskApplication, type TaskCampaign, type TaskInspection, type TaskPlanInput } from '../../src/domain/work-tasks.ts';

const d = asLocalDate;
const campaign = (over: Partial<TaskCampaign> = {}): TaskCampaign => ({
  id: 1, status: 'OPEN', tasksEnabled: true,
  milestones: [
    { key: 'apply_deadline', startsOn: d('2026-05-31'), endsOn: null, tiers: ['bai', 'qian'] },
    { key: 'inspection', startsOn: d('2026-06-01'), endsOn: d('2026-07-31'), tiers: ['bai', 'qian'] },
  ],
  ...over,
});
const app = (over: Partial<TaskApplication> = {}): TaskApplication => ({ id: 10, campaignId: 1, status: 'DRAFT', managerOpenId: 'ou_m', unitName: '甲支行', tier: 'qian', missing: ['1. 申报表', '3. 制度'], ...over });
const insp = (over: Partial<TaskInspection> = {}): TaskInspection => ({ id: 7, campaignId: 1, applicationId: 10, inspectorOpenId: 'ou_i', status: 'ASSIGNED', unitName: '甲支行', tier: 'qian', kind: 'onsite', ...over });
const task = (over: Partial<ExistingTask> = {}): ExistingTask => ({ id: 100, kind: 'application', refId: 10, milestone: 'apply_deadline', status: 'open', closeReason: null, detail: ['1. 申报表', '3. 制度'], dueOn: d('2026-05-31'), ...over });

function plan(o: { today?: string; enabled?: boolean; c?: Partial<TaskCampaign>; apps?: readonly TaskApplication[]; insps?: readonly TaskInspection[]; existing?: readonly ExistingTask[] }) {
  const input: TaskPlanInput = {
    today: d(o.today ?? '2026-03-02'), enabled: o.enabled ?? true, applicationMilestones: ['apply_deadline'], inspectionMilestone: 'inspection',
    campaigns: [campaign(o.c)], applications: [...(o.apps ?? [])], inspections: [...(o.insps ?? [])], existing: [...(o.existing ?? [])],
  };
  return planTasks(input).map((a) => ('taskId' in a ? `${a.do} #${a.taskId}${'reason' in a ? ` ${a.reason}` : ''}` : `create ${a.kind} for ${a.assignee} due ${a.dueOn}`));
}

describe('a manager’s task per application and milestone', () => {
  it.each([
    ['a draft missing items, deadline ahead: create', {}, ['create application for ou_m due 2026-05-31']],
    ['on the deadline day itself: create', { today: '2026-05-31' }, ['create application for ou_m due 2026-05-31']],
    ['the day after the deadline: none', { today: '2026-06-01' }, []],
    ['nothing missing: none', { apps: [app({ missing: [] })] }, []],
    ['submitted: none', { apps: [app({ status: 'SUBMITTED' })] }, []],
    ['campaign closed: none', { c: { status: 'CLOSED' } }, []],
    ['tasks off for the campaign: none', { c: { tasksEnabled: false } }, []],
    ['tasks off everywhere: none', { enabled: false }, []],
    ['a tier the milestone does not concern: none', { c: { milestones: [{ key: 'apply_deadline', startsOn: d('2026-05-31'), endsOn: null, tiers: ['bai'] }] } }, []],
    ['the milestone missing from the campaign: none', { c: { milestones: [] } }, []],
  ] as const)('%s', (_name, o, expected) => {
    expect(plan({ apps: [app()], ...o } as Parameters<typeof plan>[0])).toEqual(expected);
  });

  it.each([
    ['same items: nothing to do', { apps: [app()] }, []],
    ['an item done: update', { apps: [app({ missing: ['3. 制度'] })] }, ['update #100']],
    ['the deadline extended: update (the due date follows)', { apps: [app()], c: { milestones: [{ key: 'apply_deadline', startsOn: d('2026-06-15'), endsOn: null, tiers: ['qian'] }] } }, ['update #100']],
    ['every item done: complete', { apps: [app({ missing: [] })] }, ['complete #100 items_done']],
    ['submitted: complete', { apps: [app({ status: 'SUBMITTED', missing: [] })] }, ['complete #100 submitted']],
    ['campaign closed: delete', { apps: [app()], c: { status: 'CLOSED' } }, ['delete #100 campaign_closed']],
    ['tasks switched off: delete', { apps: [app()], c: { tasksEnabled: false } }, ['delete #100 tasks_off']],
    ['deadline passed, still open, still missing: kept', { apps: [app()], today: '2026-06-20' }, []],
    ['the application vanished: delete', { apps: [] }, ['delete #100 gone']],
  ] as const)('an open task, %s', (_name, o, expected) => {
    expect(plan({ existing: [task()], ...o } as Parameters<typeof plan>[0])).toEqual(expected);
  });

  it.each([
    ['completed because the items were done, one undone: reopen', task({ status: 'completed', closeReason: 'items_done' }), ['reopen #100']],
    ['completed on submission: stays', task({ status: 'completed', closeReason: 'submitted' }), []],
    ['deleted (campaign switch): a new one', task({ status: 'deleted', closeReason: 'tasks_off' }), ['create application for ou_m due 2026-05-31']],
    ['refused by Feishu: not retried', task({ status: 'deleted', closeReason: 'create_failed' }), []],
    ['refused, then switched back on (retry): a new one', task({ status: 'deleted', closeReason: 'retry' }), ['create application for ou_m due 2026-05-31']],
  ] as const)('a closed task, %s', (_name, existing, expected) => {
    expect(plan({ apps: [app()], existing: [existing] })).toEqual(expected);
  });
});

describe('an inspector’s task per assigned check', () => {
  const it2 = (o: Parameters<typeof plan>[0]) => plan({ ...o, insps: o.insps ?? [insp()] });
  it.each([
    ['assigned: create, due the window’s last day', {}, ['create inspection for ou_i due 2026-07-31']],
    ['assigned after applications closed: still create', { c: { status: 'CLOSED' } }, ['create inspection for ou_i due 2026-07-31']],
    ['round announced: none', { c: { status: 'ANNOUNCED' } }, []],
    ['submitted already: none', { insps: [insp({ status: 'SUBMITTED' })] }, []],
  ] as const)('%s', (_name, o, expected) => expect(it2(o as Parameters<typeof plan>[0])).toEqual(expected));

  it.each([
    ['submitted: complete', insp({ status: 'SUBMITTED' }), {}, ['complete #5 inspection_submitted']],
    ['recused: delete', insp({ status: 'RECUSED' }), {}, ['delete #5 recused']],
    ['round announced: delete', insp(), { status: 'ANNOUNCED' }, ['delete #5 round_over']],
    ['tasks switched off: delete', insp(), { tasksEnabled: false }, ['delete #5 tasks_off']],
    ['still assigned: nothing', insp(), {}, []],
    ['the inspection window moved: update', insp(), { milestones: [{ key: 'inspection', startsOn: d('2026-06-01'), endsOn: d('2026-08-15'), tiers: ['qian'] }] }, ['update #5']],
  ] as const)('an open task, %s', (_name, i, c, expected) => {
    expect(plan({ insps: [i], c: c as Partial<TaskCampaign>, existing: [task({ id: 5, kind: 'inspection', refId: 7, milestone: 'inspection', detail: [], dueOn: d('2026-07-31') })] })).toEqual(expected);
  });

  it('an update carries the new due date', () => {
    const input: TaskPlanInput = {
      today: d('2026-03-02'), enabled: true, applicationMilestones: ['apply_deadline'], inspectionMilestone: 'inspection',
      campaigns: [campaign({ milestones: [{ key: 'apply_deadline', startsOn: d('2026-06-15'), endsOn: null, tiers: ['qian'] }] })], applications: [app()], inspections: [], existing: [task()],
    };
    expect(planTasks(input)).toEqual([{ do: 'update', taskId: 100, missing: ['1. 申报表', '3. 制度'], dueOn: '2026-06-15' }]);
  });

  it('a check without a dated inspection milestone gets a task with no due date', () => {
    const input: TaskPlanInput = { today: d('2026-03-02'), enabled: true, applicationMilestones: [], inspectionMilestone: 'inspection', campaigns: [campaign({ milestones: [] })], applications: [], inspections: [insp()], existing: [] };
    expect(planTasks(input)).toEqual([expect.objectContaining({ do: 'create', kind: 'inspection', dueOn: null, checkKind: 'onsite' })]);
  });
});
