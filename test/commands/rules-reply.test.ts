/** The secretariat answers a forwarded question by card: the asker gets it; "加入问答库" teaches the table, which then answers others. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { click, say } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { cardText, quotes } from '../helpers/rules.ts';
import { splitTerms } from '../../src/commands/rules-reply.ts';
import { LEARNED_CHECK_MS } from '../../src/rules/service.ts';
import type { FakeMessage } from '../../src/sandbox/fake/index.ts';

const MGR = 'ou_manager_reply';
const MGR2 = 'ou_manager_other';
const SEC2 = 'ou_secretariat2';
let h: Harness;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC, SEC2] });
  for (const [id, name] of [[SEC, '王秘书'], [SEC2, '刘秘书'], [MGR, '张行长'], [MGR2, '刘行长']] as const) h.fake.addUser({ openId: id, name });
});
afterEach(async () => h.close());

/** Asks as MGR, forwards, and returns each secretariat member's form card. */
async function forwarded(question = '营业厅空调温度怎么检查？'): Promise<{ sec: FakeMessage; sec2: FakeMessage; id: number }> {
  const [a] = await say(h, MGR, question);
  await click(h, MGR, a!, '转给秘书处');
  const id = (await h.prisma.ruleQuestion.findFirstOrThrow({ orderBy: { id: 'desc' } })).id;
  return { sec: h.fake.messagesTo(SEC).at(-1)!, sec2: h.fake.messagesTo(SEC2).at(-1)!, id };
}

describe('answering a forwarded question', () => {
  it('sends the answer with the cited passage to the asker, closes the form, and audits it', async () => {
    const { sec, id } = await forwarded();
    const before = h.fake.messagesTo(MGR).length;
    const r = await click(h, SEC, sec, '答复提问人', { formValue: { answer: '空调温度不在《管理办法》中，请按检查标准执行。', ref: '7.1', terms: '' } });
    expect(r.toast).toMatchObject({ type: 'success', content: '已答复，并发给了提问人。' });
    expect(cardText(r.card)).toContain(`已答复 #${id}`);
    const toAsker = h.fake.messagesTo(MGR).slice(before);
    expect(toAsker).toHaveLength(1);
    expect(cardText(toAsker[0])).toContain('中银协秘书处的答复');
    expect(cardText(toAsker[0])).toContain('空调温度不在《管理办法》中，请按检查标准执行。');
    expect(quotes(toAsker[0])).toEqual(['(一)制定银行业服务规范、管理办法、检查标准以及评选活动工作方案,并组织实施;']);
    expect(await h.prisma.ruleQuestion.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'REPLIED', answeredBy: SEC, answerRef: '7.1' });
    expect(await h.prisma.auditLog.count({ where: { action: 'rules.reply', actorId: SEC, target: `rule_question:${id}` } })).toBe(1);
    expect(await h.prisma.ruleEntry.count()).toBe(0);
  });

  it('a second member answering later is told who answered; the asker gets one answer', async () => {
    const { sec, sec2, id } = await forwarded();
    await click(h, SEC, sec, '答复提问人', { formValue: { answer: '第一份答复', ref: '-' } });
    const late = await click(h, SEC2, sec2, '答复提问人', { formValue: { answer: '第二份答复', ref: '-' } });
    expect(late.toast).toMatchObject({ type: 'info', content: `这个问题已由 ${SEC} 答复。` });
    expect(cardText(late.card)).toContain('第一份答复');
    const answers = h.fake.messagesTo(MGR).filter((m) => cardText(m).includes('中银协秘书处的答复'));
    expect(answers).toHaveLength(1);
    expect(cardText(answers[0])).not.toContain('第二份答复');
    expect((await h.prisma.ruleQuestion.findUniqueOrThrow({ where: { id } })).answer).toBe('第一份答复');
  });

  it('refuses an empty answer, a made-up passage, a table row without a passage, and anyone outside the secretariat', async () => {
    const { sec, id } = await forwarded();
    expect((await click(h, SEC, sec, '答复提问人', { formValue: { answer: '  ' } })).toast?.content).toBe('请先填写答复内容。');
    expect((await click(h, SEC, sec, '答复提问人', { formValue: { answer: '好', ref: '12.1' } })).toast?.content).toBe('所选条款不存在，请重新选择。');
    expect((await click(h, SEC, sec, '答复并加入问答库', { formValue: { answer: '好', ref: '-' } })).toast?.content).toContain('必须引用一条《管理办法》条款');
    const outsider = await click(h, MGR, sec, '答复提问人', { formValue: { answer: '我来答', ref: '-' } });
    expect(outsider.toast?.type).toBe('error');
    expect(outsider.toast?.content).toContain('中银协秘书处');
    expect(await h.prisma.ruleQuestion.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'FORWARDED', answer: null });
    expect(await h.prisma.auditLog.count({ where: { action: 'rules.reply' } })).toBe(0);
  });

  it('"答复并加入问答库" adds a row that answers the next similar question, citing its passage', async () => {
    const { sec, id } = await forwarded('离行式自助银行能单独申报吗？');
    const r = await click(h, SEC, sec, '答复并加入问答库', { formValue: { answer: '离行式自助银行不是经营机构，不能单独申报。', ref: '11.3', terms: '自助银行 ATM' } });
    expect(cardText(r.card)).toContain('已加入问答库（编号 1）');
    const entry = await h.prisma.ruleEntry.findFirstOrThrow();
    expect(entry).toMatchObject({ questionId: id, example: '离行式自助银行能单独申报吗？', ref: '11.3', createdBy: SEC });
    expect(JSON.parse(entry.terms)).toEqual(['自助银行', 'ATM']);
    expect(await h.prisma.auditLog.count({ where: { action: 'rules.entry_add', target: `rule_entry:${entry.id}` } })).toBe(1);
    // Another manager, other words: the similar question and the keyword both get the secretariat's answer and the passage.
    for (const q of ['离行式自助银行可以单独申报吗？', '我们的ATM能参加评选吗？']) {
      const [a] = await say(h, MGR2, q);
      expect(cardText(a)).toContain('**答**（中银协秘书处答复过同类问题）：离行式自助银行不是经营机构，不能单独申报。');
      expect(quotes(a)).toEqual(['(三)综合性支行(含其所属各经营网点)或单点式营业机构;']);
    }
  });

  it('a row another instance added (straight into the database) is in use once its version is checked again', async () => {
    expect(cardText((await say(h, MGR2, '营业执照丢了还能不能申报？'))[0])).not.toContain('先补办，再申报。');
    await h.prisma.ruleEntry.create({ data: { example: '营业执照丢了还能申报吗', ref: '11.2', answer: '先补办，再申报。', createdBy: SEC, createdAt: new Date() } });
    h.clock.advance(LEARNED_CHECK_MS);
    const [a] = await say(h, MGR2, '营业执照丢了还能不能申报？');
    expect(cardText(a)).toContain('先补办，再申报。');
  });
});

describe('splitTerms', () => {
  it.each([
    ['自助银行 ATM', ['自助银行', 'ATM']],
    ['信托，租赁+营业部、信托', ['信托', '租赁+营业部']],
    ['a 很长很长很长很长很长很长很长很长很长很长的词', []],
    ['', []],
  ])('%s', (raw, want) => expect(splitTerms(raw)).toEqual(want));
});
