/** The answer card's forward button: only the asker forwards, once; every secretariat member gets the question as a form. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, click, say } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { cardText } from '../helpers/rules.ts';

const MGR = 'ou_manager_fwd';
const SEC2 = 'ou_secretariat2';
const OTHER = 'ou_someone_else';
let h: Harness;

afterEach(async () => h.close());

describe('forwarding a question to the secretariat', () => {
  beforeEach(async () => {
    h = await createHarness({ secretariat: [SEC, SEC2] });
    for (const [id, name] of [[SEC, '王秘书'], [SEC2, '刘秘书'], [MGR, '张行长'], [OTHER, '李四']] as const) h.fake.addUser({ openId: id, name });
  });

  it('a low-confidence answer says so; the asker forwards it and each secretariat member gets a form', async () => {
    const [a] = await say(h, MGR, '营业厅空调温度怎么检查？');
    expect(cardText(a)).toContain('没有把握的答案');
    expect(cardText(a)).toContain('仅供参考');
    const r = await click(h, MGR, a!, '转给秘书处答复');
    expect(r.toast).toMatchObject({ type: 'success', content: '已转给秘书处，答复会发给你。' });
    // The card in place now says it went, with the time, and has no button left.
    expect(cardText(r.card)).toContain('已转给中银协秘书处（2026-03-02 10:00）');
    expect(() => buttonValue(r.card!, '转给秘书处')).toThrow();
    const q = await h.prisma.ruleQuestion.findFirstOrThrow();
    expect(q).toMatchObject({ status: 'FORWARDED', askerOpenId: MGR });
    expect(await h.prisma.auditLog.count({ where: { action: 'rules.forward', actorId: MGR, target: `rule_question:${q.id}` } })).toBe(1);
    for (const s of [SEC, SEC2]) {
      const cards = h.fake.messagesTo(s);
      expect(cards).toHaveLength(1);
      expect(cardText(cards[0])).toContain(`规则问答待答复 #${q.id}`);
      expect(cardText(cards[0])).toContain('营业厅空调温度怎么检查？');
      expect(cardText(cards[0])).toContain('没有把握');
      expect(buttonValue(cards[0]!, '答复并加入问答库')).toEqual({ a: 'rules.reply', q: q.id, learn: 1 });
    }
  });

  it('a confident answer can be forwarded too ("没解决？")', async () => {
    const [a] = await say(h, MGR, '信托公司能申报吗？');
    const r = await click(h, MGR, a!, '没解决？转给秘书处');
    expect(r.toast?.type).toBe('success');
    expect(h.fake.messagesTo(SEC)).toHaveLength(1);
    expect(cardText(h.fake.messagesTo(SEC)[0])).toContain('第十一条第（一）项');
  });

  it('someone else cannot forward the asker\'s question; a double click forwards once', async () => {
    const [a] = await say(h, MGR, '营业厅空调温度怎么检查？');
    const value = buttonValue(a!, '转给秘书处答复');
    const other = await click(h, OTHER, a!, value);
    expect(other.toast).toMatchObject({ type: 'warning', content: '只有提问人可以转交这个问题。' });
    expect((await h.prisma.ruleQuestion.findFirstOrThrow()).status).toBe('ANSWERED');
    expect(h.fake.messagesTo(SEC)).toHaveLength(0);
    await click(h, MGR, a!, value, { redeliver: 2 });
    const again = await click(h, MGR, a!, value);
    expect(again.toast).toMatchObject({ type: 'info', content: '这个问题已经转给秘书处了。' });
    expect(h.fake.messagesTo(SEC)).toHaveLength(1);
    expect(h.fake.messagesTo(SEC2)).toHaveLength(1);
    expect(await h.prisma.auditLog.count({ where: { action: 'rules.forward' } })).toBe(1);
  });

  it('a forged question id changes nothing', async () => {
    const [a] = await say(h, MGR, '营业厅空调温度怎么检查？');
    const r = await click(h, MGR, a!, { a: 'rules.forward', q: 999 });
    expect(r.toast?.content).toBe('找不到这个问题，请重新提问。');
    expect(await h.prisma.ruleQuestion.count({ where: { status: 'FORWARDED' } })).toBe(0);
  });
});

describe('forwarding with no secretariat yet', () => {
  beforeEach(async () => {
    h = await createHarness();
  });

  it('keeps the question forwarded and says no one is set up to answer', async () => {
    const [a] = await say(h, MGR, '营业厅空调温度怎么检查？');
    const r = await click(h, MGR, a!, '转给秘书处答复');
    expect(r.toast?.content).toContain('目前还没有设置秘书处成员');
    expect((await h.prisma.ruleQuestion.findFirstOrThrow()).status).toBe('FORWARDED');
  });
});
