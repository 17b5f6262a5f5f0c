/** End-to-end: `提交申报` and the card's submit button honour the 申报截止 (with its date), and never invent one. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { click, say, textOf } from '../helpers/chat.ts';
import { branchManagers, openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

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
  h.clock.set(new Date('2026-05-19T02:00:00Z')); // the manager prepares the application two weeks before the deadline
  // An eligible unit with every required item done: only the deadline stands between it and submission.
  for (const t of ['申报', '1', '是', '是', '2', '2015-05-01', '开始申报', '示范银行北京分行朝阳支行', '示范银行', '北京', '千佳', ...[1, 2, 3, 4, 5, 6, 7].map((n) => `完成 ${n}`)]) await say(h, MGR, t);
});
afterEach(async () => h.close());

const app = () => h.prisma.application.findFirstOrThrow();
/** What the manager was told last (the group also gets a review card on a submission). */
const toManager = () => textOf(h.fake.messagesTo(MGR).at(-1));
const progressCard = () => h.fake.messagesTo(MGR).filter((m) => m.msg_type === 'interactive' && textOf(m).includes('申报材料清单')).at(-1)!;

describe('提交申报 and the 申报截止', () => {
  it('10 days after the deadline: refused with the date; nothing moves and nobody is asked to review', async () => {
    h.clock.set(new Date('2026-06-10T02:00:00Z'));
    const groupBefore = h.fake.messagesTo('oc_bj').length;
    const before = h.fake.messagesTo(MGR).length;
    await say(h, MGR, '提交申报');
    const told = h.fake.messagesTo(MGR).slice(before).map((m) => textOf(m));
    expect(told.some((t) => t.includes('本轮申报已于 **2026-05-31** 截止') && t.includes('这份申报也不能再提交'))).toBe(true);
    // The progress card is 22 days old, past Feishu's window for changes: it comes afresh, saying the deadline passed.
    expect(told.some((t) => t.includes('申报材料清单') && t.includes('⏰ 本轮申报已于 **2026-05-31** 截止') && !t.includes('"apply.submit"'))).toBe(true);
    expect((await app()).status).toBe('DRAFT');
    expect(await h.prisma.auditLog.count({ where: { action: { startsWith: 'application.submit' } } })).toBe(0);
    expect(h.fake.messagesTo('oc_bj')).toHaveLength(groupBefore);
    expect(h.fake.messagesTo(RA).some((m) => textOf(m).includes('地区审核初选'))).toBe(false);
  });

  it('the day after the deadline the progress card is redrawn to say so, with no buttons left to click into a dead end', async () => {
    h.clock.set(new Date('2026-06-01T01:00:00Z')); // Feishu lets a card change for 14 days: this one is 13 days old
    const before = h.fake.messagesTo(MGR).length;
    await say(h, MGR, '提交申报');
    expect(h.fake.messagesTo(MGR)).toHaveLength(before + 1);
    const card = h.fake.message(progressCard().message_id)!;
    expect(textOf(card)).toContain('本轮申报已于 **2026-05-31** 截止');
    expect(textOf(card)).not.toContain('"apply.submit"');
    expect(textOf(card)).not.toContain('"apply.item"');
  });

  it('the card\'s submit button after the deadline answers with the date too', async () => {
    const card = progressCard();
    h.clock.set(new Date('2026-06-01T01:00:00Z'));
    const r = await click(h, MGR, card, '提交申报');
    expect(r.toast?.type).toBe('warning');
    expect(r.toast?.content).toContain('2026-05-31');
    expect((await app()).status).toBe('DRAFT');
  });

  it('on the deadline day itself, late in the evening, submission is in time', async () => {
    h.clock.set(new Date('2026-05-31T15:30:00Z')); // 23:30 in Asia/Shanghai
    await say(h, MGR, '提交申报');
    expect(toManager()).toContain('已提交申报');
    expect((await app()).status).toBe('SUBMITTED');
  });

  it('a campaign that lost its deadline is not given 2999-12-31: submission is refused, naming what is missing', async () => {
    await h.prisma.milestone.deleteMany({ where: { campaignId, key: 'apply_deadline' } });
    await say(h, MGR, '提交申报');
    expect(toManager()).toContain(`评选 #${campaignId} 缺少“申报截止”日期`);
    expect((await app()).status).toBe('DRAFT');
  });
});
