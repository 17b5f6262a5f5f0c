/** End-to-end: only the secretariat extends a round's 申报截止; it is audited, the groups and drafting managers are told, and submission opens again. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { branchManagers, openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';
import { args } from '../../src/commands/campaign-extend.ts';

const MGR = 'ou_manager1';
const RA = 'ou_regional_bj';
let h: Harness;
let campaignId: number;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  for (const [openId, name] of [[RA, '北京协会王老师'], [MGR, '朝阳支行张行长']]) h.fake.addUser({ openId: openId!, name: name! });
  await regionsAndGroups(h);
  campaignId = await openCampaign(h, '2026年度评选', '2026-05-31');
  await say(h, SEC, `/role grant @${RA} 地方协会管理员 北京`);
  await branchManagers(h, [MGR]); // applicants are tied to their bank (issue 11)
  h.clock.set(new Date('2026-05-25T02:00:00Z'));
  for (const t of ['申报', '1', '是', '是', '2', '2015-05-01', '开始申报', '示范银行北京分行朝阳支行', '示范银行', '北京', '千佳', ...[1, 2, 3, 4, 5, 6].map((n) => `完成 ${n}`)]) await say(h, MGR, t);
  h.clock.set(new Date('2026-06-03T02:00:00Z')); // three days late
});
afterEach(async () => h.close());

const dates = async () => Object.fromEntries((await h.prisma.milestone.findMany({ where: { campaignId } })).map((m) => [m.key, [m.startsOn, m.endsOn]]));
const toManager = () => textOf(h.fake.messagesTo(MGR).at(-1));
/** The secretariat's answer (the groups' notices go out first). */
const toSec = () => textOf(h.fake.messagesTo(SEC).at(-1));

describe('/campaign extend (/延长申报)', () => {
  it('moves the deadline and the later milestones, audits it, tells groups and drafting managers; submission then works', async () => {
    await say(h, MGR, '完成 7');
    expect(toManager()).toContain('本轮申报已于 **2026-05-31** 截止');
    const before = await dates();
    await say(h, SEC, '/延长申报 2026-06-15 部分地区汛期延后');
    expect(toSec()).toContain('由 2026-05-31 延长至 **2026-06-15**（顺延 15 天）');
    expect(toSec()).toContain('原因：部分地区汛期延后');
    expect(toSec()).toContain(`- 百佳候选单位资格审定：${before.qualification_review![0]} → 2026-06-16`);
    expect(toSec()).toContain('已通知 2 个地区群、1 位仍在填写申报的网点负责人');

    const after = await dates();
    expect(after.apply_deadline).toEqual(['2026-06-15', null]);
    expect(after.apply_open).toEqual(before.apply_open);
    expect(after.qualification_review).toEqual(['2026-06-16', '2026-06-29']);
    expect(after.announcement![0]).not.toBe(before.announcement![0]);

    const rows = await h.prisma.auditLog.findMany({ where: { action: 'campaign.extend' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actorId).toBe(SEC);
    expect(JSON.parse(rows[0]!.before!)).toMatchObject({ apply_deadline: '2026-05-31', qualification_review: before.qualification_review![0] });
    expect(JSON.parse(rows[0]!.after!)).toMatchObject({ apply_deadline: '2026-06-15', qualification_review: '2026-06-16', reason: '部分地区汛期延后' });

    for (const g of ['oc_bj', 'oc_sh']) expect(textOf(h.fake.messagesTo(g).at(-1))).toContain('由 2026-05-31 延长至 **2026-06-15**');
    expect(h.fake.messagesTo(MGR).some((m) => textOf(m).includes('本轮申报截止日已延长至 **2026-06-15**'))).toBe(true);

    await say(h, MGR, '完成 7');
    await say(h, MGR, '提交申报');
    expect(toManager()).toContain('已提交申报');
    expect((await h.prisma.application.findFirstOrThrow()).status).toBe('SUBMITTED');
  });

  it('reminders for the new date go out even though those for the old date did', async () => {
    h.clock.set(new Date('2026-05-24T01:00:00Z')); // Sunday before T-7 of the old deadline
    await h.app.scheduler.tick();
    h.clock.set(new Date('2026-05-25T01:00:00Z')); // Monday 09:00: the T-7 of 05-31 (a Sunday) goes now
    await h.app.scheduler.tick();
    const keys = async () => (await h.prisma.outboxMessage.findMany({ where: { dedupeKey: { contains: `:manager:${MGR}` } } })).map((r) => r.dedupeKey);
    expect(await keys()).toContain(`reminder:${campaignId}:apply_deadline@2026-05-31:-7d:manager:${MGR}`);
    h.clock.set(new Date('2026-06-03T02:00:00Z'));
    await say(h, SEC, '/延长申报 2026-06-15');
    h.clock.set(new Date('2026-06-08T01:00:00Z')); // Monday 09:00, T-7 of the new deadline
    await h.app.scheduler.tick();
    expect(await keys()).toContain(`reminder:${campaignId}:apply_deadline@2026-06-15:-7d:manager:${MGR}`);
  });

  it('refuses anyone but the secretariat, and changes nothing', async () => {
    const before = await dates();
    const [r] = await say(h, RA, '/延长申报 2026-06-15');
    expect(textOf(r)).toContain('需要以下角色之一：中银协秘书处');
    expect(await dates()).toEqual(before);
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.extend' } })).toBe(0);
  });

  it('refuses an earlier or a past date, saying why, and changes nothing', async () => {
    const before = await dates();
    expect(textOf((await say(h, SEC, '/延长申报 2026-05-20'))[0])).toContain('不能早于今天（2026-06-03）');
    h.clock.set(new Date('2026-05-26T02:00:00Z'));
    expect(textOf((await say(h, SEC, `/延长申报 ${campaignId} 2026-05-30`))[0])).toContain('须晚于现在的 2026-05-31');
    expect(textOf((await say(h, SEC, '/延长申报 2026-13-01'))[0])).toContain('新截止日「2026-13-01」不是有效日期');
    expect(await dates()).toEqual(before);
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.extend' } })).toBe(0);
  });

  it('a redelivered command extends once: one audit row, one notice per group', async () => {
    const groupsBefore = h.fake.messagesTo('oc_bj').length;
    const d = await h.fake.deliverMessage({ from: SEC, chatType: 'p2p', text: '/campaign extend 2026-06-20', redeliver: 3 });
    await h.app.settle();
    expect(d.responses).toHaveLength(4);
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.extend' } })).toBe(1);
    expect((await dates()).apply_deadline).toEqual(['2026-06-20', null]);
    expect(h.fake.messagesTo('oc_bj')).toHaveLength(groupsBefore + 1);
    // The same extension typed again changes nothing: it is no longer later than the deadline.
    expect(textOf((await say(h, SEC, '/campaign extend 2026-06-20'))[0])).toContain('须晚于现在的 2026-06-20');
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.extend' } })).toBe(1);
  });

  it('a campaign that lost its deadline gets one (nothing else moves), and its managers can submit again', async () => {
    await h.prisma.milestone.deleteMany({ where: { campaignId, key: 'apply_deadline' } });
    await say(h, MGR, '完成 7');
    expect(toManager()).toContain('缺少“申报截止”日期');
    await say(h, SEC, '/延长申报 2026-06-10');
    expect(toSec()).toContain('由 未设置 延长至 **2026-06-10**');
    await say(h, MGR, '完成 7');
    await say(h, MGR, '提交申报');
    expect((await h.prisma.application.findFirstOrThrow()).status).toBe('SUBMITTED');
  });
});

describe('args', () => {
  it.each([
    [['2026-06-15'], { to: '2026-06-15' }],
    [['#3', '2026年6月15日', '汛期', '延后'], { campaignId: 3, to: '2026-06-15', reason: '汛期 延后' }],
    [['3', '2026/6/15'], { campaignId: 3, to: '2026-06-15' }],
  ])('parses %j', (words, expected) => {
    expect(args.parse(words)).toMatchObject(expected);
  });
  it.each([[[]], [['下周']], [['3']]])('refuses %j', (words) => {
    expect(args.safeParse(words).success).toBe(false);
  });
});
