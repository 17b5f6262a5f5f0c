/** End-to-end: on the deadline day an unread reminder of a manager still missing items is marked urgent, once; admins get the list. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';
import { applyToChecklist, local, surfaceHarness } from './helpers.ts';

const M1 = 'ou_mgr_unread';
const M2 = 'ou_mgr_read';
const M3 = 'ou_mgr_done';
const RA = 'ou_ra_bj';
let h: Harness;
afterEach(async () => h?.close());

/** Three managers in 北京 with drafts; M3 completes every item. The deadline is `deadline`. */
async function world(deadline: string, env: Record<string, string> = {}): Promise<void> {
  h = await surfaceHarness({ secretariat: [SEC], env });
  for (const [id, name] of [[M1, '甲行长'], [M2, '乙行长'], [M3, '丙行长'], [RA, '北京协会']] as const) h.fake.addUser({ openId: id, name });
  await regionsAndGroups(h);
  await openCampaign(h, '2026年度评选', deadline);
  await say(h, SEC, `/role grant @${RA} 地方协会管理员 北京`);
  await applyToChecklist(h, M1, '甲支行');
  await applyToChecklist(h, M2, '乙支行');
  await applyToChecklist(h, M3, '丙支行');
  for (const n of [1, 2, 3, 4, 5, 6, 7]) await say(h, M3, `完成 ${n}`);
}

async function at(date: string, time: string): Promise<void> {
  h.clock.set(local(date, time));
  await h.app.scheduler.tick();
  await h.app.settle();
}

const dueDayReminder = (who: string) => h.fake.messagesTo(who).filter((m) => textOf(m).includes('⏰')).at(-1);
const urgentCalls = () => h.fake.calls.filter((c) => c.route === 'urgent_app');
const notices = () => h.fake.messagesTo(RA).filter((m) => textOf(m).includes('今日截止仍未补齐'));

describe('deadline-day urgent escalation', () => {
  it('marks only the unread reminder of a manager still missing items, once across ticks and restarts; the region’s admin gets the list', async () => {
    await world('2026-05-29'); // a Friday
    await at('2026-05-29', '09:00');
    const r1 = dueDayReminder(M1)!;
    const r2 = dueDayReminder(M2)!;
    expect(textOf(r1)).toContain('就在今天');
    h.fake.markRead({ chatId: r2.chat_id, openId: M2 });

    await at('2026-05-29', '14:55');
    expect(urgentCalls()).toHaveLength(0);
    await at('2026-05-29', '15:00');
    expect(h.fake.surfaces.urgents.map((u) => [u.messageId, u.openId])).toEqual([[r1.message_id, M1]]);
    expect(urgentCalls()[0]!.query).toEqual({ user_id_type: 'open_id' });
    const [notice] = notices();
    expect(notices()).toHaveLength(1);
    expect(textOf(notice)).toContain('以下 **1** 个网点的申报仍缺必需材料');
    expect(textOf(notice)).toContain('甲支行（千佳）：还缺 7 项，已对负责人的提醒加急');
    expect(textOf(notice)).not.toContain('乙支行');
    expect(textOf(notice)).not.toContain('丙支行');

    for (const t of ['15:05', '16:00']) await at('2026-05-29', t);
    await h.restart();
    await at('2026-05-29', '17:00');
    expect(urgentCalls()).toHaveLength(1);
    expect(notices()).toHaveLength(1);
    const run = await h.prisma.auditLog.findMany({ where: { action: 'urgent.run' } });
    expect(run).toHaveLength(1);
    expect(JSON.parse(run[0]!.after!)).toMatchObject({ urgent: 1, read: 1, notices: 1, managers: [M1] });
  });

  it('quiet hours hold: a Sunday deadline escalates on the Friday afternoon, never at the weekend', async () => {
    await world('2026-05-31'); // a Sunday: the due-day reminder comes on Friday 29 May
    await at('2026-05-29', '09:00');
    expect(textOf(dueDayReminder(M1))).toContain('2026-05-31');
    await at('2026-05-29', '15:00');
    expect(h.fake.surfaces.urgents.map((u) => u.openId).sort()).toEqual([M1, M2].sort());
    expect(urgentCalls().every((c) => c.at.getTime() === local('2026-05-29', '15:00').getTime())).toBe(true);
    await at('2026-05-31', '15:00');
    expect(urgentCalls()).toHaveLength(2);
  });

  it('a bot down through the deadline afternoon does not mark anything late at night or the next day; the miss is audited', async () => {
    await world('2026-05-29');
    await at('2026-05-29', '09:00');
    await at('2026-05-29', '22:30'); // quiet hours
    expect(urgentCalls()).toHaveLength(0);
    await at('2026-06-01', '09:00');
    expect(urgentCalls()).toHaveLength(0);
    expect(notices()).toHaveLength(0);
    expect(await h.prisma.auditLog.count({ where: { action: 'urgent.dropped' } })).toBe(1);
  });

  it('URGENT_ENABLED=false sends no urgent marks', async () => {
    await world('2026-05-29', { URGENT_ENABLED: 'false' });
    await at('2026-05-29', '09:00');
    await at('2026-05-29', '15:00');
    expect(urgentCalls()).toHaveLength(0);
    expect(notices()).toHaveLength(0);
  });
});
