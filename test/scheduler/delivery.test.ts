/** Why: end to end through the real SDK and the fake Feishu: reminder cards arrive valid and act, and no tick, overlap, crash, restart or quiet night sends anything twice or too early. */
import { afterEach, describe, expect, it } from 'vitest';
import { capturedLogLines, type Harness } from '../helpers/harness.ts';
import { createApp } from '../../src/app.ts';
import { createLarkClient } from '../../src/send/client.ts';
import { virtualPace } from '../../src/send/limiter.ts';
import type { Outbound } from '../../src/send/sender.ts';
import { loadChecklistFile } from '../../src/flows/apply/services.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cron from 'node-cron';
import { loadReminderPolicyFile } from '../../src/scheduler/policy-file.ts';
import { loadCycleFile } from '../../src/store/cycle.ts';
import { addFakeDirectory, local, preselect, reminderHarness, reminderRows, seedWorld, type World } from './seed.ts';
import { TEST_PG } from '../helpers/db.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function world(o: { start?: boolean } = {}): Promise<{ h: Harness; w: World }> {
  h = await reminderHarness({ start: o.start });
  addFakeDirectory(h);
  return { h, w: await seedWorld(h) };
}

const json = (x: unknown) => JSON.stringify(x);

/** Adds `n` more managers with draft applications in 北京, known to the fake. */
async function moreManagers(h: Harness, w: World, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `ou_x${String(i).padStart(4, '0')}`);
  for (const openId of ids) h.fake.addUser({ openId, name: openId });
  const units = await h.prisma.unit.createManyAndReturn({ data: ids.map((_, i) => ({ name: `网点${i}`, memberUnitId: w.banks.icbc, regionId: w.regions.bj, createdAt: h.clock.now() })) });
  await h.prisma.application.createMany({ data: units.map((u, i) => ({ campaignId: w.campaignId, unitId: u.id, tier: 'qian', status: 'DRAFT', managerOpenId: ids[i]!, createdAt: h.clock.now() })) });
  return ids;
}

describe('reminder cards', () => {
  it('arrive as valid cards; the group card opens the status card for its own region only', async () => {
    const { h, w } = await world();
    h.clock.set(local('2026-04-09', '09:00'));
    const r = await h.app.scheduler.tick();
    expect(r).toMatchObject({ enqueued: 6, duplicates: 0, dropped: 0, muted: 0 });
    await h.app.settle();
    const [toManager] = h.fake.messagesTo('ou_m1');
    expect(h.fake.messagesTo('ou_m1')).toHaveLength(1);
    expect(toManager!.msg_type).toBe('interactive');
    expect(json(toManager!.card)).toContain('还差 2 项');
    const [group] = h.fake.messagesTo('oc_bj');
    expect(h.fake.messagesTo('oc_bj')).toHaveLength(1);

    const click = await h.fake.deliverCardAction({ operator: 'ou_m1', messageId: group!.message_id, chatId: 'oc_bj', value: { a: 'campaign.status_card', id: w.campaignId } });
    expect(click.status).toBe(200);
    expect(click.cardApplied).toBe(true);
    const answered = json(click.body);
    expect(answered).toContain('评选状态');
    expect(answered).toContain('北京 · 百佳：1 / 0 / 5');
    expect(answered).not.toContain('上海');
  });

  it('in p2p, the status button needs a staff role (and then shows every region)', async () => {
    const { h, w } = await world();
    h.clock.set(local('2026-04-09', '09:00'));
    await h.app.scheduler.tick();
    await h.app.settle();
    const [toAdmin] = h.fake.messagesTo('ou_ma2');
    const staff = await h.fake.deliverCardAction({ operator: 'ou_ma2', messageId: toAdmin!.message_id, value: { a: 'campaign.status_card', id: w.campaignId } });
    expect(json(staff.body)).toContain('上海 · 千佳');
    const stranger = await h.fake.deliverCardAction({ operator: 'ou_m2', messageId: toAdmin!.message_id, value: { a: 'campaign.status_card', id: w.campaignId } });
    expect(json(stranger.body)).toContain('查看评选状态需要以下角色之一');
    expect(stranger.cardApplied).toBe(false);
  });
});

describe('missing items', () => {
  it('come from the application checklist (prompts/zh-CN/checklist.yaml): required items not yet done', async () => {
    const { h, w } = await world({ start: false });
    await h.restart({ start: false }); // a fresh app: the sources are the app's own, as in every test here
    await h.prisma.application.update({ where: { id: w.apps.m1 }, data: { checklist: JSON.stringify({ form: { done: true }, self_assessment: { done: true } }) } });
    h.clock.set(local('2026-04-09', '09:00'));
    await h.app.scheduler.tick();
    const row = (await reminderRows(h)).find((r) => r.dedupeKey.endsWith('-7d:manager:ou_m1'))!;
    const required = loadChecklistFile().items.filter((i) => i.required);
    expect(row.content).toContain(`还差 ${required.length - 2} 项`);
    expect(row.content).toContain('3. 网点服务管理制度及员工培训记录');
    expect(row.content).not.toContain('申报表（经会员单位签字盖章）');
    expect(row.content).not.toContain('典型服务案例');
  });
});

describe('exactly once', () => {
  it('a second tick at the same time does nothing; two processes ticking together write each reminder once', async () => {
    const { h } = await world();
    h.clock.set(local('2026-04-09', '09:00'));
    const other = createApp({ config: h.config, lark: createLarkClient({ appId: h.config.appId, appSecret: h.config.appSecret, domain: h.fake.url, logger: h.logger }), prisma: h.prisma, clock: h.clock, logger: h.logger, pace: virtualPace() });
    const [a, b] = await Promise.all([h.app.scheduler.tick(), other.scheduler.tick()]);
    expect(a.enqueued + b.enqueued).toBe(6);
    // SQLite: both plan the window and the outbox's unique key drops the second copy. PostgreSQL: ticks hold a shared
    // lock, so the second finds the window done and plans nothing.
    if (TEST_PG) expect([a.skipped, b.skipped]).toContain('clock');
    else expect(a.duplicates + b.duplicates).toBe(6);
    expect(await h.app.scheduler.tick()).toMatchObject({ skipped: 'clock', enqueued: 0 });
    h.app.sender.kick(); // rows the other process wrote
    await h.app.settle();
    for (const id of ['ou_m1', 'ou_m2', 'ou_m4', 'ou_ma2', 'oc_bj', 'oc_sh']) expect(h.fake.messagesTo(id)).toHaveLength(1);
    await other.stop();
  });

  it('a crash in the middle of a fan-out, then a restart: every recipient gets the reminder exactly once', async () => {
    const { h, w } = await world();
    const extra = await moreManagers(h, w, 40);
    h.clock.set(local('2026-04-09', '09:00'));
    const sender = h.app.sender;
    const real = sender.enqueue.bind(sender);
    let calls = 0;
    sender.enqueue = async (m: Outbound) => {
      if (++calls > 15) throw new Error('simulated crash: the process died here');
      return real(m);
    };
    await expect(h.app.scheduler.tick()).rejects.toThrow('simulated crash');
    expect(await reminderRows(h)).toHaveLength(15);
    await h.restart();
    const r = await h.app.scheduler.tick();
    expect(r).toMatchObject({ duplicates: 15, enqueued: 46 - 15 });
    await h.app.settle();
    for (const id of [...extra, 'ou_m1', 'ou_m2', 'ou_m4', 'ou_ma2', 'oc_bj', 'oc_sh']) expect(h.fake.messagesTo(id), id).toHaveLength(1);
    expect(h.fake.messages).toHaveLength(46);
  });

  it('logs fan-out progress and writes every row', async () => {
    const { h, w } = await world({ start: false });
    await moreManagers(h, w, 210);
    h.clock.set(local('2026-04-09', '09:00'));
    const before = capturedLogLines.length;
    const r = await h.app.scheduler.tick();
    expect(r.enqueued).toBe(216);
    const progress = capturedLogLines.slice(before).filter((l) => l.includes('reminder fan-out progress')).map((l) => JSON.parse(l).done);
    expect(progress).toEqual([100, 200]);
  });
});

describe('catch-up and quiet hours', () => {
  it('down across T-7 and T-1: at start the latest reminder goes once; down past the deadline: dropped, with an audit line', async () => {
    const { h, w } = await world();
    h.clock.set(local('2026-04-08', '10:00'));
    expect((await h.app.scheduler.tick()).planned).toBe(0);
    await h.app.stop();
    h.clock.set(local('2026-04-15', '14:00'));
    await h.restart();
    const r = await h.app.scheduler.tick();
    const keys = (await reminderRows(h)).map((x) => x.dedupeKey);
    const recipients = ['manager:ou_m1', 'manager:ou_m2', 'manager:ou_m4', 'group:oc_bj', 'group:oc_sh', 'member:ou_ma2'];
    expect(keys.filter((k) => k.includes(':apply_deadline@')).sort()).toEqual(recipients.map((x) => `reminder:${w.campaignId}:apply_deadline@2026-04-16:-1d:${x}`).sort());
    expect(keys).toContain(`reminder:${w.campaignId}:digest:2026-04-13:digest:ou_sec1`);
    expect(r.dropped).toBe(6);
    const superseded = await h.prisma.auditLog.findMany({ where: { action: 'reminder.dropped' } });
    expect(superseded.map((a) => a.target).sort()).toEqual(['branch_manager', 'member_admin', 'region_group'].map((k) => `${w.campaignId}/apply_deadline/-7d/${k}`).sort());
    expect(superseded[0]!.after).toContain('superseded');

    await h.app.stop();
    h.clock.set(local('2026-04-17', '10:00'));
    await h.restart();
    const late = await h.app.scheduler.tick();
    expect(late.enqueued).toBe(0);
    expect(late.dropped).toBe(6);
    const expired = await h.prisma.auditLog.findMany({ where: { action: 'reminder.dropped', target: { contains: '/0d/' } } });
    expect(expired.map((a) => a.target).sort()).toEqual(['branch_manager', 'member_admin', 'region_group'].map((k) => `${w.campaignId}/apply_deadline/0d/${k}`).sort());
    expect(expired.every((a) => a.after!.includes('no longer useful'))).toBe(true);
    await h.app.settle();
    expect(h.fake.messagesTo('ou_m1')).toHaveLength(1);
  });

  it('nothing goes out at night or at weekends; it goes at the next allowed time', async () => {
    const { h, w } = await world();
    await preselect(h, w); // c's on-site check (ou_i1) now counts
    // Preselection T-7 and inspection T-7 fall on Saturday 05-23 and Sunday 05-24.
    h.clock.set(local('2026-05-22', '18:00'));
    await h.app.scheduler.tick();
    const before = (await reminderRows(h)).length;
    for (const [d, t] of [['2026-05-22', '22:00'], ['2026-05-23', '09:00'], ['2026-05-24', '12:00'], ['2026-05-25', '07:59']] as const) {
      h.clock.set(local(d, t));
      expect(await h.app.scheduler.tick()).toMatchObject({ skipped: 'quiet', enqueued: 0 });
    }
    expect(await reminderRows(h)).toHaveLength(before);
    h.clock.set(local('2026-05-25', '08:00'));
    expect((await h.app.scheduler.tick()).enqueued).toBe(5);
    await h.app.settle();
    expect(h.fake.messagesTo('ou_i1')).toHaveLength(1);
    expect(h.fake.messagesTo('oc_bj').map((m) => json(m.card))).toEqual([expect.stringContaining('地区审查初选'), expect.stringContaining('检查验收')]);
  });
});

describe('start, stop and the policy file', () => {
  it('start() schedules the cron job and runs a catch-up tick at once; stop() removes it', async () => {
    const { h } = await world({ start: false });
    h.clock.set(local('2026-04-09', '10:00'));
    h.app.scheduler.start();
    const task = [...cron.getTasks().values()].find((t) => t.name === 'reminders');
    expect(task?.getPattern()).toBe('*/5 * * * *');
    expect((await h.app.scheduler.status()).lastTickAt).toEqual(local('2026-04-09', '10:00'));
    expect((await reminderRows(h)).length).toBe(6); // T-7 (09:00) fell due before the start: sent once now
    await h.app.scheduler.stop();
    expect([...cron.getTasks().values()].some((t) => t.name === 'reminders')).toBe(false);
  });

  it('a broken reminders.yaml stops the start with the file and the key named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    const text = readFileSync(new URL('../../prompts/zh-CN/reminders.yaml', import.meta.url), 'utf8');
    writeFileSync(join(dir, 'reminders.yaml'), text.replace('sendAt: "09:00"', 'sendAt: "9 点"'));
    const cycle = loadCycleFile();
    expect(() => loadReminderPolicyFile(cycle, dir)).toThrow('prompts/zh-CN/reminders.yaml: sendAt: expected a 24-hour time written HH:mm');
    writeFileSync(join(dir, 'reminders.yaml'), text.replace('tick: "*/5 * * * *"', 'tick: "*/5 * * *"'));
    expect(() => loadReminderPolicyFile(cycle, dir)).toThrow('prompts/zh-CN/reminders.yaml: tick: "*/5 * * *" is not a valid cron expression');
  });
});
