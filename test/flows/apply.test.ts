/** End-to-end: a branch manager's whole application, by text and by card, through review, with restarts and bad input. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, click, say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

const MGR = 'ou_manager1';
const RA = 'ou_regional_bj';
let h: Harness;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  for (const [openId, name] of [[RA, '北京协会王老师'], ['ou_bankadmin', '示范银行李经理'], [MGR, '朝阳支行张行长'], ['ou_manager2', '二号支行刘行长']]) h.fake.addUser({ openId: openId!, name: name! });
  await regionsAndGroups(h);
  await openCampaign(h, '2026年度评选', '2026-05-31');
  await say(h, SEC, '/quota set 北京 百佳=2 千佳=1');
  await say(h, SEC, `/role grant @${RA} 地方协会管理员 北京`);
  // Applicants are tied to their bank (issue 11), and every candidate is filed by its bank (报备, 第九条（二）).
  await say(h, SEC, '/role grant @ou_bankadmin 会员单位管理员 示范银行');
  for (const m of [MGR, 'ou_manager2']) await say(h, 'ou_bankadmin', `/role grant @${m} 网点负责人 示范银行`);
});

/** The bank admin files the latest application (确认报备), so it goes on to the region. */
async function fileByBank() {
  const card = h.fake.messagesTo('ou_bankadmin').filter((m) => textOf(m).includes('候选单位报备')).at(-1)!;
  const r = await click(h, 'ou_bankadmin', card, '确认报备');
  expect(r.toast?.type).toBe('success');
}
afterEach(async () => h.close());

const lastTo = (who: string) => h.fake.messagesTo(who).at(-1)!;

/** Answers the eligibility questions by text, as an eligible unit opened on `opened`. */
async function eligibleByText(opened = '2023年5月1日') {
  for (const t of ['申报', '1', '是', '是', '2', opened]) await say(h, MGR, t);
}

/** From the verdict, through unit details to the checklist card, by text. */
async function toChecklist(unit = '示范银行北京分行朝阳支行', tier = '千佳') {
  for (const t of ['开始申报', unit, '示范银行', '北京', tier]) await say(h, MGR, t);
}

describe('eligibility dialog by text', () => {
  it('asks the four clauses and gives an eligible verdict against the campaign deadline', async () => {
    const [q1] = await say(h, MGR, '申报');
    expect(textOf(q1)).toContain('第 1 步');
    expect(textOf(q1)).toContain('会员单位所辖经营机构');
    await say(h, MGR, '1');
    await say(h, MGR, '是');
    await say(h, MGR, '是');
    await say(h, MGR, '单点式');
    const [v] = await say(h, MGR, '2024/5/31');
    expect(textOf(v)).toContain('符合申报条件');
    expect(textOf(v)).toContain('2026-05-31');
    expect(textOf(v)).toContain('开业满两年之日：2026-05-31');
  });

  it('cites each failed clause with a plain reason and when it will qualify', async () => {
    for (const t of ['申报', '6', '否', '3']) await say(h, MGR, t);
    const [v] = await say(h, MGR, '2024-06-01');
    const t = textOf(v);
    expect(t).toContain('暂不符合申报条件');
    expect(t).toContain('第十一条第（一）项');
    expect(t).toContain('第十一条第（二）项');
    expect(t).toContain('第十一条第（三）项');
    expect(t).toContain('第十一条第（四）项');
    expect(t).toContain('自 **2026-06-01** 起满 2 年');
    expect(t).toContain('书面报经中银协审查认可');
    expect(t).not.toContain('独立的经营场所'); // not asked once clause 2 already failed
  });

  it('an excluded institution type decides at once, without further questions', async () => {
    await say(h, MGR, '申报');
    const [v] = await say(h, MGR, '信托公司');
    expect(textOf(v)).toContain('信托公司暂不在申报范围内');
  });

  it('re-prompts free text, and explains future, impossible and unreadable dates', async () => {
    await say(h, MGR, '申报');
    const [again] = await say(h, MGR, '我也不知道');
    expect(textOf(again)).toContain('“我也不知道”可能有不止一种理解');
    expect(buttonValue(again!, '信托公司')).toMatchObject({ a: 'apply.answer', q: 'institution', v: 'trust' });
    for (const t of ['1', '是']) await say(h, MGR, t);
    expect(textOf((await say(h, MGR, '大概吧'))[0])).toContain('请回复“是”或“否”');
    for (const t of ['是', '1']) await say(h, MGR, t);
    expect(textOf((await say(h, MGR, '2027-01-01'))[0])).toContain('晚于今天（2026-03-02）');
    expect(textOf((await say(h, MGR, '2023-02-30'))[0])).toContain('这一天并不存在');
    expect(textOf((await say(h, MGR, '去年春天'))[0])).toContain('不是可以识别的日期');
    expect(textOf((await say(h, MGR, 'x'.repeat(10_000)))[0])).toContain('消息太长');
    expect(textOf((await say(h, MGR, '2023-03-01'))[0])).toContain('符合申报条件');
  });

  it('survives a restart mid-dialog, and 继续 shows the current step', async () => {
    for (const t of ['申报', '1']) await say(h, MGR, t);
    await h.restart();
    const [again] = await say(h, MGR, '继续');
    expect(textOf(again)).toContain('金融许可证');
    await say(h, MGR, '是');
    await say(h, MGR, '是');
    await say(h, MGR, '1');
    expect(textOf((await say(h, MGR, '2023-01-01'))[0])).toContain('符合申报条件');
  });

  it('expires after the idle time with a friendly note; 取消 ends it', async () => {
    for (const t of ['申报', '1']) await say(h, MGR, t);
    h.clock.advance(25 * 3600_000);
    expect(textOf((await say(h, MGR, '是'))[0])).toContain('超过 24 小时未操作');
    await say(h, MGR, '申报');
    expect(textOf((await say(h, MGR, '取消'))[0])).toContain('已结束对话');
    expect(textOf((await say(h, MGR, '是'))[0])).toContain('我没有理解');
  });
});

describe('typed answers are read for their whole meaning (第十一条第（一）、（三）项)', () => {
  // Each of these was read as a member branch / comprehensive sub-branch by the first substring that matched.
  it.each([
    ['非会员单位', '第十一条第（一）项', '只有银行业协会会员单位所辖的经营机构可以申报'],
    ['信托公司的网点', '第十一条第（一）项', '信托公司暂不在申报范围内'],
    ['租赁公司支行', '第十一条第（一）项', '租赁公司暂不在申报范围内'],
    ['汽车金融公司', '第十一条第（一）项', '“等”非银行金融机构暂不在申报范围内'],
  ])('clause 1: “%s” fails %s', async (reply, clause, reason) => {
    await say(h, MGR, '申报');
    const answers = reply === '非会员单位' ? [reply, '是', '是', '1', '2015-01-01'] : [reply];
    let last;
    for (const t of answers) [last] = await say(h, MGR, t);
    expect(textOf(last)).toContain('暂不符合申报条件');
    expect(textOf(last)).toContain(clause);
    expect(textOf(last)).toContain(reason);
    const session = await h.prisma.conversationSession.findFirstOrThrow({ where: { userId: MGR } });
    expect(JSON.parse(session.state).answers.institution).toBe(reply === '非会员单位' ? 'non_member' : reply === '汽车金融公司' ? 'other_non_bank' : reply.startsWith('信托') ? 'trust' : 'leasing');
  });

  it('clause 3: “不是综合性支行，是单点” is a single-point institution, and “不是综合性支行” alone is asked again', async () => {
    for (const t of ['申报', '1', '是', '是']) await say(h, MGR, t);
    const [again] = await say(h, MGR, '不是综合性支行');
    expect(textOf(again)).toContain('可能有不止一种理解');
    expect(() => buttonValue(again!, '综合性支行')).toThrow(); // the negated choice is not offered again
    expect(buttonValue(again!, '单点式营业机构')).toMatchObject({ q: 'kind', v: 'single_point' });
    await say(h, MGR, '不是综合性支行，是单点');
    const session = await h.prisma.conversationSession.findFirstOrThrow({ where: { userId: MGR } });
    expect(JSON.parse(session.state).answers.kind).toBe('single_point');
  });

  it('an ambiguous reply is asked again with buttons carrying the choices\' words; a click answers it', async () => {
    await say(h, MGR, '申报');
    const [again] = await say(h, MGR, '银行或者信托');
    expect(textOf(again)).toContain('“银行或者信托”可能有不止一种理解');
    expect(() => buttonValue(again!, '租赁公司')).toThrow(); // only the two readings are offered
    const r = await click(h, MGR, again!, '会员单位所辖经营机构');
    expect(textOf(r.card)).toContain('金融许可证');
    const session = await h.prisma.conversationSession.findFirstOrThrow({ where: { userId: MGR } });
    expect(JSON.parse(session.state).answers.institution).toBe('member_branch');
  });

  it('yes/no replies: 没有金融许可证 is a no, 是的，有独立场所 a yes, 有没有 is asked again', async () => {
    for (const t of ['申报', '1']) await say(h, MGR, t);
    expect(textOf((await say(h, MGR, '有没有'))[0])).toContain('请回复“是”或“否”');
    await say(h, MGR, '是的，持有金融许可证');
    await say(h, MGR, '没有独立的经营场所');
    const session = await h.prisma.conversationSession.findFirstOrThrow({ where: { userId: MGR } });
    expect(JSON.parse(session.state).answers).toMatchObject({ institution: 'member_branch', licensed: true, premises: false });
  });
});

describe('idle sweep', () => {
  it('ends idle dialogs and tells each person once', async () => {
    for (const t of ['申报', '1']) await say(h, MGR, t);
    h.clock.advance(23 * 3600_000);
    expect(await h.app.deps.services.apply.flow.sweep()).toBe(0);
    h.clock.advance(2 * 3600_000);
    expect(await h.app.deps.services.apply.flow.sweep()).toBe(1);
    expect(await h.app.deps.services.apply.flow.sweep()).toBe(0);
    await h.app.settle();
    expect(textOf(lastTo(MGR))).toContain('已自动结束');
    expect(h.fake.messagesTo(MGR).filter((m) => textOf(m).includes('已自动结束'))).toHaveLength(1);
  });
});

describe('idle sweep on the scheduler tick', () => {
  it('the reminder tick also ends idle dialogs', async () => {
    for (const t of ['申报', '1']) await say(h, MGR, t);
    h.clock.advance(25 * 3600_000);
    await h.app.scheduler.tick();
    await h.app.settle();
    expect(h.fake.messagesTo(MGR).filter((m) => textOf(m).includes('已自动结束'))).toHaveLength(1);
  });
});

describe('eligibility dialog by card', () => {
  it('runs on buttons and the date picker, updating the card in place; a stale click changes nothing', async () => {
    const announcement = h.fake.messagesTo('oc_bj').find((m) => textOf(m).includes('检查申报资格'))!;
    const start = await click(h, MGR, announcement, '检查申报资格');
    expect(start.toast?.content).toContain('单聊');
    const q1 = lastTo(MGR);
    // Choice buttons carry the choice's words, not bare numbers.
    const stale = buttonValue(q1, '会员单位所辖经营机构');
    let r = await click(h, MGR, q1, '会员单位所辖经营机构');
    expect(textOf(r.card)).toContain('金融许可证');
    const again = await click(h, MGR, q1, stale);
    expect(again.toast?.content).toContain('卡片已过期');
    r = await click(h, MGR, q1, '是');
    r = await click(h, MGR, q1, '是');
    expect(() => buttonValue(r.card!, '1')).toThrow();
    r = await click(h, MGR, q1, '综合性支行');
    const picker = JSON.parse(r.card!.content).body.elements.find((e: { tag: string }) => e.tag === 'date_picker');
    const d = await h.fake.deliverCardAction({ operator: MGR, value: picker.behaviors[0].value, option: '2023-05-01 +0800', messageId: q1.message_id, chatId: q1.chat_id, tag: 'date_picker' });
    await h.app.settle();
    expect(d.cardApplied).toBe(true);
    expect(textOf(h.fake.message(q1.message_id))).toContain('符合申报条件');
    expect(h.fake.messagesTo(MGR).filter((m) => m.msg_type === 'interactive')).toHaveLength(1); // one card, patched
  });
});

describe('application checklist, submission and review', () => {
  it('text path: checklist patched in place, submit lists what is missing, then goes to the region for review', async () => {
    await eligibleByText();
    await toChecklist();
    const cards = () => h.fake.messagesTo(MGR).filter((m) => m.msg_type === 'interactive');
    const progress = cards().at(-1)!;
    expect(textOf(progress)).toContain('申报材料清单');
    const count = h.fake.messagesTo(MGR).length;
    await say(h, MGR, '完成 1');
    await say(h, MGR, '完成2 已盖章');
    expect(h.fake.messagesTo(MGR)).toHaveLength(count); // no new message per change
    expect(h.fake.message(progress.message_id)!.patches.length).toBe(2);
    expect(textOf(h.fake.message(progress.message_id))).toContain('备注：已盖章');
    const [missing] = await say(h, MGR, '提交申报');
    expect(textOf(missing)).toContain('以下必需材料尚未完成');
    expect(textOf(missing)).toContain('3. 网点服务管理制度');
    for (const n of [3, 4, 5, 6, 7]) await say(h, MGR, `完成 ${n}`);
    await say(h, MGR, '提交申报');
    const done = lastTo(MGR);
    expect(textOf(done)).toContain('已提交申报');
    expect(textOf(done)).toContain('会员单位管理员确认报备');
    expect(textOf(done)).toContain('北京 地方银行业协会审核初选');
    const app = await h.prisma.application.findFirstOrThrow();
    expect(app.status).toBe('SUBMITTED');
    await fileByBank();
    expect((await h.prisma.application.findFirstOrThrow()).status).toBe('FILED');
    const review = h.fake.messagesTo('oc_bj').at(-1)!;
    expect(textOf(review)).toContain('地区审核初选');
    expect(h.fake.messagesTo(RA).some((m) => textOf(m).includes('地区审核初选'))).toBe(true);

    // Reject needs a reason; recommend preselects; a second click is harmless; the manager hears each change.
    const noReason = await click(h, RA, review, '不推荐');
    expect(noReason.toast?.content).toContain('请填写理由');
    const outsider = await click(h, 'ou_nobody', review, '推荐（初选）');
    expect(outsider.toast?.type).toBe('error');
    const value = buttonValue(review, '推荐（初选）');
    const ok = await click(h, RA, review, value);
    expect(ok.toast?.type).toBe('success');
    expect((await h.prisma.application.findFirstOrThrow()).status).toBe('PRESELECTED');
    const twice = await click(h, RA, review, value);
    expect(twice.toast?.content).toContain('已处理');
    expect(textOf(lastTo(MGR))).toContain('已入选初选名单');
    expect(await h.prisma.auditLog.count({ where: { action: 'application.preselected' } })).toBe(1);
  });

  it('card path: 完成 buttons and the submit button work on the progress card', async () => {
    await eligibleByText();
    await toChecklist();
    const progress = h.fake.messagesTo(MGR).filter((m) => m.msg_type === 'interactive').at(-1)!;
    for (let n = 1; n <= 7; n++) {
      const r = await click(h, MGR, progress, `完成 ${n}`);
      expect(r.cardApplied).toBe(true);
    }
    const r = await click(h, MGR, progress, '提交申报');
    expect(r.toast?.type).toBe('success');
    expect(textOf(h.fake.message(progress.message_id))).toContain('已提交，待审核');
    expect((await h.prisma.application.findFirstOrThrow()).status).toBe('SUBMITTED');
  });

  it('百佳 goes to the bank\'s member-unit admin first, then the region', async () => {
    await eligibleByText();
    await toChecklist('示范银行北京分行西城支行', '百佳');
    for (let n = 1; n <= 7; n++) await say(h, MGR, `完成 ${n}`);
    await say(h, MGR, '提交申报');
    expect(textOf(lastTo(MGR))).toContain('会员单位管理员进行资格审定');
    const memberCard = h.fake.messagesTo('ou_bankadmin').at(-1)!;
    expect(textOf(memberCard)).toContain('百佳候选单位资格审定');
    const r = await click(h, 'ou_bankadmin', memberCard, '资格审定通过');
    expect(r.toast?.type).toBe('success');
    expect((await h.prisma.application.findFirstOrThrow()).status).toBe('QUALIFIED');
    expect(textOf(h.fake.messagesTo('oc_bj').at(-1))).toContain('地区审核初选');
    expect(textOf(lastTo(MGR))).toContain('资格审定通过');
  });

  it('refuses to preselect beyond the region\'s tier quota, and says why', async () => {
    // Two units of Beijing apply for 千佳, whose quota is 1.
    for (const [mgr, unit] of [[MGR, '一号支行'], ['ou_manager2', '二号支行']] as const) {
      for (const t of ['申报', '1', '是', '是', '2', '2022-01-01', '开始申报', unit, '示范银行', '北京', '千佳', ...[1, 2, 3, 4, 5, 6, 7].map((n) => `完成 ${n}`), '提交申报']) await say(h, mgr, t);
      await fileByBank();
    }
    const reviews = h.fake.messagesTo('oc_bj').filter((m) => textOf(m).includes('地区审核初选'));
    expect(reviews).toHaveLength(2);
    expect((await click(h, RA, reviews[0]!, '推荐（初选）')).toast?.type).toBe('success');
    const refused = await click(h, RA, reviews[1]!, '推荐（初选）');
    expect(refused.toast?.type).toBe('error');
    expect(refused.toast?.content).toContain('名额为 1 个，已初选 1 个，名额已满');
    expect(await h.prisma.application.count({ where: { status: 'PRESELECTED' } })).toBe(1);
  });

  it('我的申报 lists each application with what it still lacks', async () => {
    await eligibleByText();
    await toChecklist();
    await say(h, MGR, '完成 1');
    const [list] = await say(h, MGR, '我的申报');
    expect(textOf(list)).toContain('示范银行北京分行朝阳支行');
    expect(textOf(list)).toContain('填写中');
    expect(textOf(list)).toContain('尚缺：2. 对照评价标准的自评打分表');
  });
});

describe('special cases', () => {
  it('an ineligible unit asks 中银协; the secretariat approves by card; the manager is told and may apply', async () => {
    for (const t of ['申报', '1', '是', '是', '1']) await say(h, MGR, t);
    const [v] = await say(h, MGR, '2025-01-01');
    expect(textOf(v)).toContain('第十一条第（四）项');
    const r = await click(h, MGR, v!, '申请特殊情况认可');
    expect(r.toast?.type).toBe('info');
    expect(textOf(lastTo(MGR))).toContain('网点全称');
    // The approval will be bound to this unit: its name, bank and region, then the reason.
    for (const t of ['示范银行北京分行新区支行', '示范银行', '北京']) await say(h, MGR, t);
    expect(textOf(lastTo(MGR))).toContain('理由');
    await say(h, MGR, '由两家老网点合并而成，原网点2015年开业');
    expect(textOf(lastTo(MGR))).toContain('已提交特殊情况申请');
    const scCard = h.fake.messagesTo(SEC).at(-1)!;
    expect(textOf(scCard)).toContain('第十一条第（四）项');
    expect(textOf(scCard)).toContain('书面认可');
    expect(textOf(scCard)).toContain('示范银行北京分行新区支行');
    const deny = await click(h, SEC, scCard, '不批准');
    expect(deny.toast?.content).toContain('请填写理由');
    const approve = await click(h, SEC, scCard, '批准', { formValue: { reason: '合并前网点已开业多年，书面材料齐全' } });
    expect(approve.toast?.type).toBe('success');
    const notice = lastTo(MGR);
    expect(textOf(notice)).toContain('已获中银协批准');
    await click(h, MGR, notice, '开始申报');
    expect(textOf(lastTo(MGR))).toContain('申报哪个等级');
    await say(h, MGR, '千佳');
    const app = await h.prisma.application.findFirstOrThrow();
    expect(app.verdict).toBe('special_approved');
    expect(await h.prisma.auditLog.count({ where: { action: 'special_case.approved' } })).toBe(1);
  });
});
