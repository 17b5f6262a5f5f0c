/** Why: the reminder commands end to end in chat: preview sends nothing and respects scope, pause holds and resume releases once, mute spares the due day. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { addFakeDirectory, local, reminderHarness, reminderRows, seedWorld, type World } from './seed.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function world(): Promise<{ h: Harness; w: World }> {
  h = await reminderHarness();
  addFakeDirectory(h);
  const w = await seedWorld(h);
  return { h, w };
}

/** Sends `text` in p2p as `from` and returns the content of the bot's answer. */
async function say(h: Harness, from: string, text: string): Promise<string> {
  const replies = () => h.fake.messagesTo(from).filter((m) => m.replyTo !== undefined);
  const before = replies().length;
  await h.fake.deliverMessage({ from, chatType: 'p2p', text });
  await h.fake.waitFor(() => replies().length > before, { what: `an answer to ${text}` });
  await h.app.settle();
  return replies().at(-1)!.content;
}

describe('/reminders preview', () => {
  it('shows what would go out, when and to whom, and sends nothing', async () => {
    const { h } = await world();
    h.clock.set(local('2026-04-08', '12:00'));
    const text = await say(h, 'ou_sec1', '/reminders preview 10');
    expect(text).toContain('提醒预览 · 未来 10 天');
    expect(text).toContain('2026-04-09（周四）');
    expect(text).toContain('09:00　申报提醒 → 网点负责人（工行北京西单支行）：申报截止 提前 7 天');
    expect(text).toContain('09:00　地区群进度 → 北京 地区群：申报截止 提前 7 天');
    expect(text).toContain('09:00　每周简报 → 秘书处 秘书处甲：每周简报');
    expect(text).toContain('申报截止 当天');
    expect(await reminderRows(h)).toHaveLength(0);
    expect(await h.prisma.auditLog.count({ where: { action: 'reminders.preview', actorId: 'ou_sec1' } })).toBe(1);
  });

  it("shows a regional admin only their region's reminders, in Chinese as /提醒预览", async () => {
    const { h } = await world();
    h.clock.set(local('2026-04-08', '12:00'));
    const text = await say(h, 'ou_ra_sh', '/提醒预览 10');
    expect(text).toContain('上海 地区群');
    expect(text).toContain('网点负责人（建行上海浦东支行）');
    expect(text).not.toContain('北京');
    expect(text).not.toContain('秘书处');
  });

  it('refuses a bad number of days, and people without a staff role', async () => {
    const { h } = await world();
    expect(await say(h, 'ou_sec1', '/reminders preview 500')).toContain('天数应为 1 到 90 之间的整数');
    expect(await say(h, 'ou_m1', '/reminders preview')).toContain('需要以下角色之一');
  });
});

describe('/reminders pause and resume', () => {
  it('holds reminders while paused; resume sends what is still useful, once', async () => {
    const { h, w } = await world();
    h.clock.set(local('2026-04-08', '12:00'));
    await h.app.scheduler.tick(); // the bot has been running: the last tick was just now
    expect(await say(h, 'ou_m1', '/暂停提醒')).toContain('需要以下角色之一');
    expect(await say(h, 'ou_sec1', '/reminders pause')).toContain('已暂停全部提醒');
    expect(await say(h, 'ou_sec2', '/暂停提醒')).toContain('提醒已处于暂停状态（ou_sec1 于 2026-04-08 12:00 暂停）');
    h.clock.set(local('2026-04-09', '09:00'));
    expect(await h.app.scheduler.tick()).toMatchObject({ skipped: 'paused', enqueued: 0 });
    h.clock.set(local('2026-04-09', '11:00'));
    const preview = await say(h, 'ou_sec1', '/reminders preview 3');
    expect(preview).toContain('提醒目前已暂停');
    expect(await reminderRows(h)).toHaveLength(0);

    h.clock.set(local('2026-04-10', '10:00'));
    expect(await say(h, 'ou_sec1', '/恢复提醒')).toContain('已恢复提醒');
    expect(await say(h, 'ou_sec1', '/reminders resume')).toContain('提醒没有暂停');
    const r = await h.app.scheduler.tick();
    expect(r.enqueued).toBe(6);
    expect((await reminderRows(h)).every((x) => x.dedupeKey.startsWith(`reminder:${w.campaignId}:apply_deadline@2026-04-16:-7d:`))).toBe(true);
    expect(await h.app.scheduler.tick()).toMatchObject({ skipped: 'clock' });
    await h.app.settle();
    expect(h.fake.messagesTo('oc_bj').filter((m) => m.replyTo === undefined)).toHaveLength(1);
    const acts = await h.prisma.auditLog.findMany({ where: { action: { in: ['reminders.pause', 'reminders.resume'] } }, orderBy: { id: 'asc' } });
    expect(acts.map((a) => `${a.action}:${a.actorId}`)).toEqual(['reminders.pause:ou_sec1', 'reminders.resume:ou_sec1']);
  });
});

describe('/mute and /unmute', () => {
  it('silences the caller except on the due day; anyone may use it; it is audited', async () => {
    const { h } = await world();
    h.clock.set(local('2026-04-08', '12:00'));
    expect(await say(h, 'ou_m1', '/免打扰')).toContain('已开启免打扰');
    expect(await say(h, 'ou_m1', '/mute')).toContain('您已开启免打扰');
    h.clock.set(local('2026-04-09', '09:00'));
    expect(await h.app.scheduler.tick()).toMatchObject({ enqueued: 5, muted: 1 });
    h.clock.set(local('2026-04-16', '09:00'));
    await h.app.scheduler.tick();
    await h.app.settle();
    const toM1 = h.fake.messagesTo('ou_m1').filter((m) => m.replyTo === undefined);
    expect(toM1).toHaveLength(1);
    expect(toM1[0]!.content).toContain('申报截止 · 就在今天');
    expect(await say(h, 'ou_m1', '/取消免打扰')).toContain('已取消免打扰');
    expect(await say(h, 'ou_m1', '/unmute')).toContain('您没有开启免打扰');
    const acts = await h.prisma.auditLog.findMany({ where: { action: { startsWith: 'reminders.' }, actorId: 'ou_m1' }, orderBy: { id: 'asc' } });
    expect(acts.map((a) => a.action)).toEqual(['reminders.mute', 'reminders.unmute']);
  });
});

describe('/campaign status after the refactor', () => {
  it('still answers with the status card', async () => {
    const { h } = await world();
    const text = await say(h, 'ou_sec1', '/campaign status');
    expect(text).toContain('评选状态');
    expect(text).toContain('北京 · 百佳：1 / 0 / 5');
    expect(text).toContain('上海 · 千佳：0 / 0 / 8');
  });
});
