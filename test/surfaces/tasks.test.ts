/** End-to-end through the SDK and the fake: a manager's Feishu task per application and milestone, once, following the checklist. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';
import { closeCampaign } from '../helpers/inspections.ts';
import { applyToChecklist, local, surfaceHarness, taskCreates, tasksOf } from './helpers.ts';

const MGR = 'ou_manager1';
let h: Harness;
afterEach(async () => h?.close());

async function world(): Promise<number> {
  h = await surfaceHarness({ secretariat: [SEC] });
  h.fake.addUser({ openId: MGR, name: '朝阳支行张行长' });
  await regionsAndGroups(h);
  const id = await openCampaign(h, '2026年度评选', '2026-05-31');
  await applyToChecklist(h, MGR);
  return id;
}

/** The deadline reminders the manager got (cards titled ⏰). */
const reminders = () => h.fake.messagesTo(MGR).filter((m) => textOf(m).includes('⏰'));
const appTask = () => h.prisma.workTask.findFirstOrThrow({ where: { kind: 'application' }, orderBy: { id: 'desc' } });

describe('a manager’s task', () => {
  it('is created once, with the due date, the missing items and a link back to the bot chat', async () => {
    await world();
    const [t] = tasksOf(h, MGR);
    expect(tasksOf(h, MGR)).toHaveLength(1);
    expect(t!.summary).toBe('补齐申报材料：示范银行北京分行朝阳支行（千佳）');
    expect(t!.description).toContain('申报截止：2026-05-31');
    expect(t!.description).toContain('共 7 项');
    expect(t!.description).toContain('- 3. 网点服务管理制度及员工培训记录');
    expect(t!.description).not.toContain('典型服务案例'); // optional items are not "missing"
    expect(t!.due).toEqual({ timestamp: String(local('2026-05-31', '12:00').getTime()), is_all_day: true });
    expect(t!.members).toEqual([{ id: MGR, type: 'user', role: 'assignee' }]);
    expect(t!.origin?.href?.url).toBe(`https://applink.feishu.cn/client/bot/open?appId=${h.config.appId}`);
    expect(t!.origin?.platform_i18n_name?.zh_cn).toBe('示范单位评选助手');
    const row = await appTask();
    expect(row).toMatchObject({ status: 'open', guid: t!.guid, url: t!.url, assigneeOpenId: MGR, milestone: 'apply_deadline', dueOn: '2026-05-31' });
    expect(taskCreates(h)).toHaveLength(1);
  });

  it('survives a lost answer, redelivered events and restarts without a second task', async () => {
    h = await surfaceHarness({ secretariat: [SEC] });
    h.fake.addUser({ openId: MGR, name: '朝阳支行张行长' });
    await regionsAndGroups(h);
    await openCampaign(h, '2026年度评选', '2026-05-31');
    // Feishu creates the task but the answer never arrives: the retry carries the same client_token.
    h.fake.inject({ kind: 'reset', afterCommit: true, match: { pathPrefix: '/open-apis/task/v2/tasks' } });
    await applyToChecklist(h, MGR);
    expect(taskCreates(h).map((c) => c.fault)).toEqual(['reset:after-commit', 'client-token-dedupe']);
    expect(tasksOf(h, MGR)).toHaveLength(1);
    expect((await appTask()).guid).toBe(tasksOf(h, MGR)[0]!.guid);

    // The same 完成 event delivered three times, then restarts and ticks: still one task, patched once.
    await h.fake.deliverMessage({ from: MGR, chatType: 'p2p', text: '完成 1', redeliver: 2 });
    await h.app.settle();
    for (let i = 0; i < 2; i++) {
      await h.restart();
      await h.app.scheduler.tick();
      await h.app.settle();
    }
    expect(tasksOf(h, MGR)).toHaveLength(1);
    expect(await h.prisma.workTask.count()).toBe(1);
    expect(tasksOf(h, MGR)[0]!.history).toEqual(['create', 'patch:description']);
    expect(tasksOf(h, MGR)[0]!.description).toContain('共 6 项');
  });

  it('is not retried in a loop when Feishu refuses it; the reminder lists the items; /tasks 开启 retries it', async () => {
    h = await surfaceHarness({ secretariat: [SEC] });
    h.fake.addUser({ openId: MGR, name: '朝阳支行张行长' });
    await regionsAndGroups(h);
    await openCampaign(h, '2026年度评选', '2026-05-31');
    h.fake.inject({ kind: 'code', status: 400, code: 1470400, msg: 'no permission', match: { pathPrefix: '/open-apis/task/v2/tasks' } });
    await applyToChecklist(h, MGR);
    for (let i = 0; i < 3; i++) await h.app.scheduler.tick();
    await h.app.settle();
    expect(taskCreates(h)).toHaveLength(1);
    expect(tasksOf(h, MGR)).toHaveLength(0);
    expect(await appTask()).toMatchObject({ status: 'deleted', closeReason: 'create_failed', guid: null });
    expect(await h.prisma.auditLog.count({ where: { action: 'task.create_failed' } })).toBe(1);
    h.clock.set(local('2026-05-25'));
    await h.app.scheduler.tick();
    await h.app.settle();
    expect(textOf(reminders().at(-1))).toContain('网点服务管理制度');
    await say(h, SEC, '/tasks 关闭');
    await say(h, SEC, '/tasks 开启');
    expect(tasksOf(h, MGR)).toHaveLength(1);
    expect(taskCreates(h)).toHaveLength(2);
  });

  it('follows the checklist: completes when every required item is done, reopens on undo, and stays done once submitted', async () => {
    await world();
    for (const n of [1, 2, 3, 4, 5, 6]) await say(h, MGR, `完成 ${n}`);
    expect(tasksOf(h, MGR)[0]!.description).toContain('共 1 项');
    expect(tasksOf(h, MGR)[0]!.completed_at).toBe('0');
    await say(h, MGR, '完成 7');
    expect(tasksOf(h, MGR)[0]!.completed_at).toBe(String(h.clock.now().getTime()));
    expect(await appTask()).toMatchObject({ status: 'completed', closeReason: 'items_done' });
    await say(h, MGR, '撤销 3');
    expect(tasksOf(h, MGR)[0]!.completed_at).toBe('0');
    expect(tasksOf(h, MGR)[0]!.description).toContain('- 3. 网点服务管理制度');
    await say(h, MGR, '完成 3');
    await say(h, MGR, '提交申报');
    expect((await h.prisma.application.findFirstOrThrow()).status).toBe('SUBMITTED');
    expect(tasksOf(h, MGR)[0]!.completed_at).not.toBe('0');
    await h.app.scheduler.tick();
    await h.app.settle();
    expect(tasksOf(h, MGR)).toHaveLength(1);
    expect(await h.prisma.auditLog.count({ where: { action: { in: ['task.complete', 'task.reopen'] } } })).toBe(3);
  });

  it('follows a deadline that is moved: the due date and the description change, in one patch', async () => {
    const id = await world();
    await h.prisma.milestone.update({ where: { campaignId_key: { campaignId: id, key: 'apply_deadline' } }, data: { startsOn: '2026-06-15' } });
    await h.app.scheduler.tick();
    await h.app.settle();
    const [t] = tasksOf(h, MGR);
    expect(t!.due).toEqual({ timestamp: String(local('2026-06-15', '12:00').getTime()), is_all_day: true });
    expect(t!.description).toContain('申报截止：2026-06-15');
    expect(t!.history).toEqual(['create', 'patch:description,due']);
    expect(await appTask()).toMatchObject({ dueOn: '2026-06-15', rev: 1 });
  });

  it('is deleted when the campaign closes', async () => {
    await world();
    await closeCampaign(h);
    await h.app.scheduler.tick();
    await h.app.settle();
    expect(tasksOf(h, MGR)).toHaveLength(0);
    expect(await appTask()).toMatchObject({ status: 'deleted', closeReason: 'campaign_closed' });
    expect(h.fake.calls.filter((c) => c.route === 'task_delete' && c.status === 200)).toHaveLength(1);
  });

  it('reminders point at the task instead of repeating the list', async () => {
    await world();
    h.clock.set(local('2026-05-25')); // T-7 (Sunday 24 May moves to Monday)
    await h.app.scheduler.tick();
    await h.app.settle();
    const reminder = reminders().at(-1)!;
    expect(reminders()).toHaveLength(1);
    expect(textOf(reminder)).toContain('清单已放在飞书任务「补齐申报材料：示范银行北京分行朝阳支行（千佳）」中');
    expect(textOf(reminder)).toContain(`[打开任务](${tasksOf(h, MGR)[0]!.url})`);
    expect(textOf(reminder)).not.toContain('网点服务管理制度');
  });
});

describe('many tasks at once', () => {
  it('150 drafts get their tasks on the next tick, within task v2’s 10 calls a second (the bot keeps to 5), without a single 429', async () => {
    h = await surfaceHarness({ secretariat: [SEC], limits: true });
    await regionsAndGroups(h);
    const campaignId = await openCampaign(h, '2026年度评选', '2026-05-31');
    const bank = await h.prisma.memberUnit.findFirstOrThrow();
    const region = await h.prisma.region.findFirstOrThrow();
    const units = await h.prisma.unit.createManyAndReturn({ data: Array.from({ length: 150 }, (_, i) => ({ name: `网点${i}`, memberUnitId: bank.id, regionId: region.id })) });
    units.forEach((_, i) => h.fake.addUser({ openId: `ou_m${i}`, name: `负责人${i}` }));
    await h.prisma.application.createMany({ data: units.map((u, i) => ({ campaignId, unitId: u.id, tier: 'qian', status: 'DRAFT', managerOpenId: `ou_m${i}` })) });
    await h.app.scheduler.tick();
    await h.app.settle();
    expect(h.fake.surfaces.tasks.size).toBe(150);
    expect(h.fake.rateLimited).toBe(0);
    const at = taskCreates(h).map((c) => c.at.getTime()).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i]! - at[j]! >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    expect(peak).toBeLessThanOrEqual(10);
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(29_000); // one lane: ≤ 5 a second, so 150 calls take ≥ 29 s of paced time
  });
});

describe('/tasks (the campaign switch)', () => {
  it('turns tasks off (open ones deleted, reminders list items again) and on (a fresh task), audited; only the secretariat', async () => {
    const id = await world();
    expect(textOf((await say(h, MGR, '/tasks 关闭'))[0])).toContain('需要以下角色之一');
    expect(textOf((await say(h, SEC, '/tasks'))[0])).toContain('飞书任务已开启');
    expect(textOf((await say(h, SEC, `/tasks 关闭 ${id}`))[0])).toContain('已为「2026年度评选」关闭飞书任务');
    expect(textOf((await say(h, SEC, '/tasks off'))[0])).toContain('本来就已关闭');
    expect(tasksOf(h, MGR)).toHaveLength(0);
    expect(await appTask()).toMatchObject({ status: 'deleted', closeReason: 'tasks_off' });
    h.clock.set(local('2026-05-25'));
    await h.app.scheduler.tick();
    await h.app.settle();
    expect(textOf(reminders().at(-1))).toContain('网点服务管理制度');
    expect(textOf(reminders().at(-1))).not.toContain('飞书任务');

    expect(textOf((await say(h, SEC, '/飞书任务 开启'))[0])).toContain('已为「2026年度评选」开启飞书任务');
    const [fresh] = tasksOf(h, MGR);
    expect(tasksOf(h, MGR)).toHaveLength(1);
    const rows = await h.prisma.workTask.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.key, r.status])).toEqual([['app:1:apply_deadline#1', 'deleted'], ['app:1:apply_deadline#2', 'open']]);
    expect(rows[1]!.clientToken).not.toBe(rows[0]!.clientToken);
    expect(fresh!.guid).toBe(rows[1]!.guid);
    const audits = await h.prisma.auditLog.findMany({ where: { action: { in: ['tasks.off', 'tasks.on'] } }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.action, a.actorId, a.target])).toEqual([['tasks.off', SEC, `campaign:${id}`], ['tasks.on', SEC, `campaign:${id}`]]);
  });
});
