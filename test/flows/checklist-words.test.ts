/** End-to-end: a manager never hits a dead end: checklist words work outside the dialog, and what is not understood gets a useful guess. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, click, say, textOf } from '../helpers/chat.ts';
import { branchManagers, openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

const MGR = 'ou_manager1';
let h: Harness;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  h.fake.addUser({ openId: MGR, name: '朝阳支行张行长' });
  await regionsAndGroups(h);
  await openCampaign(h, '2026年度评选', '2026-05-31');
  await branchManagers(h, [MGR]); // applicants are tied to their bank (issue 11)
});
afterEach(async () => h.close());

/** Eligibility, unit details, and the given checklist items, by text: the manager's draft for `unit`. */
async function draft(unit: string, done: number[]) {
  for (const t of ['申报', '1', '是', '是', '2', '2015-05-01', '开始申报', unit, '示范银行', '北京', '千佳', ...done.map((n) => `完成 ${n}`)]) await say(h, MGR, t);
  const u = await h.prisma.unit.findFirstOrThrow({ where: { name: unit } });
  return h.prisma.application.findFirstOrThrow({ where: { unitId: u.id } });
}

const checklistOf = async (id: number) => JSON.parse((await h.prisma.application.findUniqueOrThrow({ where: { id } })).checklist) as Record<string, { done: boolean; note?: string }>;
const progressCards = () => h.fake.messagesTo(MGR).filter((m) => m.msg_type === 'interactive' && textOf(m).includes('申报材料清单'));
const last = () => h.fake.messagesTo(MGR).at(-1)!;

describe('checklist words outside the dialog', () => {
  it('partial checklist, the dialog idles out, and a day later 完成 6 and 完成 7 mark the items; 提交申报 submits', async () => {
    const app = await draft('示范银行北京分行朝阳支行', [1, 2, 3, 4, 5]);
    const card = progressCards().at(-1)!;
    h.clock.advance(25 * 3600_000);
    expect(await h.app.deps.services.apply.flow.sweep()).toBe(1); // the dialog ended, with its friendly note
    await h.app.settle();
    const patches = h.fake.message(card.message_id)!.patches.length;
    const before = h.fake.messagesTo(MGR).length;
    await say(h, MGR, '完成 6');
    await say(h, MGR, '完成七');
    expect((await checklistOf(app.id)).photos?.done).toBe(true);
    expect((await checklistOf(app.id)).licence?.done).toBe(true);
    // The answer is the progress card itself, patched in place: no new message, no help card.
    expect(h.fake.messagesTo(MGR)).toHaveLength(before);
    expect(h.fake.message(card.message_id)!.patches.length).toBe(patches + 2);
    await say(h, MGR, '提交申报');
    expect(textOf(last())).toContain('已提交申报');
    expect((await h.prisma.application.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('SUBMITTED');
  });

  it('a dialog that idled out but was not swept yet does not stand in the way of 完成 6', async () => {
    const app = await draft('示范银行北京分行朝阳支行', [1]);
    h.clock.advance(25 * 3600_000);
    await say(h, MGR, '完成 6');
    expect((await checklistOf(app.id)).photos?.done).toBe(true);
    expect(h.fake.messagesTo(MGR).some((m) => textOf(m).includes('已自动结束'))).toBe(false);
    expect(await h.prisma.conversationSession.count({ where: { userId: MGR, flow: 'apply' } })).toBe(0);
  });

  it('while a new eligibility dialog runs, 备注 3 … still reaches the one draft, note and all', async () => {
    const app = await draft('示范银行北京分行朝阳支行', [1]);
    await say(h, MGR, '申报'); // a second unit: the dialog is back at question 1
    await say(h, MGR, '备注 3 培训记录在档案室，周五前扫描');
    expect((await checklistOf(app.id)).rules_training).toMatchObject({ done: false, note: '培训记录在档案室，周五前扫描' });
    const session = await h.prisma.conversationSession.findFirstOrThrow({ where: { userId: MGR, flow: 'apply' } });
    expect(JSON.parse(session.state).step).toEqual({ kind: 'question', q: 'institution' });
  });

  it('with several drafts, asks which (buttons named by unit); the words apply to the one picked, once', async () => {
    const a = await draft('一号支行', [1]);
    const b = await draft('二号支行', [1]);
    h.clock.advance(25 * 3600_000);
    await say(h, MGR, '备注 6 外景照片周五补拍');
    const which = last();
    expect(textOf(which)).toContain('您有 2 份填写中的申报，要给第 6 项加备注');
    const pickB = buttonValue(which, '二号支行');
    const pickA = buttonValue(which, '一号支行');
    expect(pickA).toMatchObject({ a: 'apply.word', app: a.id });
    const r = await click(h, MGR, which, pickB);
    expect(r.toast?.type).toBe('success');
    expect(r.toast?.content).toContain('已更新「二号支行」的第 6 项');
    expect((await checklistOf(b.id)).photos).toMatchObject({ note: '外景照片周五补拍' });
    expect((await checklistOf(a.id)).photos).toBeUndefined();
    expect(textOf(r.card)).not.toContain('一号支行'); // the question card now says what was done
    const again = await click(h, MGR, which, pickA);
    expect(again.toast?.content).toContain('已用过或已过期');
    expect((await checklistOf(a.id)).photos).toBeUndefined();
  });

  it('提交申报 with several drafts asks which; the button submits that one', async () => {
    await draft('一号支行', [1]);
    const b = await draft('二号支行', [1, 2, 3, 4, 5, 6, 7]);
    h.clock.advance(25 * 3600_000);
    await say(h, MGR, '提交申报');
    const which = last();
    expect(textOf(which)).toContain('要提交哪一份');
    const r = await click(h, MGR, which, '二号支行');
    expect(r.toast?.type).toBe('success');
    expect((await h.prisma.application.findUniqueOrThrow({ where: { id: b.id } })).status).toBe('SUBMITTED');
    expect(await h.prisma.application.count({ where: { status: 'SUBMITTED' } })).toBe(1);
  });
});

describe('what is not understood gets a short guess from the person\'s state', () => {
  it('a draft with items missing: "是要标记第 N 项吗？" with a button that marks it', async () => {
    const app = await draft('示范银行北京分行朝阳支行', [1, 2, 3, 4, 5]);
    const card = progressCards().at(-1)!;
    await say(h, MGR, '照片拍好了');
    const guess = last();
    expect(textOf(guess)).toContain('我没有理解“照片拍好了”');
    expect(textOf(guess)).toContain('是要把「示范银行北京分行朝阳支行」的第 6 项「网点照片（外景、各功能区、无障碍设施）」标记为完成吗？');
    expect(textOf(guess)).not.toContain('/campaign'); // not the whole help card
    const patches = h.fake.message(card.message_id)!.patches.length;
    const r = await click(h, MGR, guess, '完成 6');
    expect(r.toast?.type).toBe('success');
    expect((await checklistOf(app.id)).photos?.done).toBe(true);
    expect(h.fake.message(card.message_id)!.patches.length).toBe(patches + 1);
    await say(h, MGR, '7 也好了');
    expect(textOf(last())).toContain('的第 7 项「金融许可证及开业日期证明」标记为完成吗？');
  });

  it('no draft yet but an eligibility check under way: 完成 6 is not an answer, so the question is asked again', async () => {
    for (const t of ['申报', '1']) await say(h, MGR, t);
    await say(h, MGR, '完成 6');
    expect(textOf(last())).toContain('请回复“是”或“否”');
    expect(await h.prisma.application.count()).toBe(0);
  });

  it('no application: the 申报 button, which starts the eligibility check in p2p', async () => {
    await say(h, MGR, '完成 6');
    const guess = last();
    expect(textOf(guess)).toContain('是要申报示范单位吗');
    expect(textOf(guess)).not.toContain('/help');
    const r = await click(h, MGR, guess, '检查申报资格');
    expect(r.newMessages.some((m) => textOf(m).includes('第 1 步'))).toBe(true);
  });

  it('after the 申报截止: checklist words, the guess and the progress card all say it passed, and on which date', async () => {
    h.clock.set(new Date('2026-05-25T02:00:00Z'));
    const app = await draft('示范银行北京分行朝阳支行', [1, 2]);
    const card = progressCards().at(-1)!;
    h.clock.set(new Date('2026-06-02T02:00:00Z'));
    await say(h, MGR, '完成 6');
    expect(textOf(last())).toContain('本轮申报已于 **2026-05-31** 截止');
    expect((await checklistOf(app.id)).photos).toBeUndefined();
    expect(textOf(h.fake.message(card.message_id))).toContain('本轮申报已于 **2026-05-31** 截止');
    await say(h, MGR, '照片拍好了');
    expect(textOf(last())).toContain('本轮申报已于 **2026-05-31** 截止');
    expect(textOf(last())).not.toContain('标记为完成吗');
    const r = await click(h, MGR, card, { a: 'apply.item', app: app.id, item: 'photos', done: true });
    expect(r.toast?.content).toContain('2026-05-31');
    expect((await checklistOf(app.id)).photos).toBeUndefined();
  });

  it('帮助 still shows the whole help card', async () => {
    const [r] = await say(h, MGR, '帮助');
    expect(textOf(r)).toContain('示范单位评选助手');
    expect(textOf(r)).toContain('/help');
  });
});
