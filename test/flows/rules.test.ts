/** End-to-end: questions about the 管理办法 in chat (p2p and @bot in a group), answered with quotes; commands and dialogs keep priority. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';
import { cardText, quotedLinesAreSource, quotes } from '../helpers/rules.ts';

const MGR = 'ou_manager_rules';
let h: Harness;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  h.fake.addUser({ openId: MGR, name: '朝阳支行张行长' });
});
afterEach(async () => h.close());

describe('asking the rules in chat', () => {
  it('信托公司能申报吗？ quotes 第十一条第（一）项 and says no', async () => {
    const [answer] = await say(h, MGR, '信托公司能申报吗？');
    const texts = cardText(answer);
    expect(texts).toContain('《管理办法》第十一条第（一）项');
    expect(texts).toContain('**答**：不能申报：信托公司暂不在此列。');
    expect(quotes(answer)).toEqual(['(一)各级银行业协会会员单位所辖经营机构(信托公司、租赁公司、财务公司等暂不在此列);']);
    expect(quotedLinesAreSource(answer)).toBe(true);
    // It is the answer to the asker's message, and the question is recorded with what was quoted.
    expect(answer!.replyTo).toBeDefined();
    const row = await h.prisma.ruleQuestion.findFirstOrThrow();
    expect(row).toMatchObject({ askerOpenId: MGR, text: '信托公司能申报吗？', status: 'ANSWERED' });
    expect(JSON.parse(row.result)).toMatchObject({ confidence: 'high', quoted: ['11.1'], entry: { source: 'table', id: 'trust' } });
  });

  it('answers with 民法典 notes for the two-year rule, and several passages for 谁负责检查验收', async () => {
    const [two] = await say(h, MGR, '开业满两年当天能不能申报？');
    expect(quotes(two)).toEqual(['(四)开业2年以上(不含机构地址、名称变更)。']);
    expect(cardText(two)).toContain('《民法典》第一千二百五十九条');
    const [who] = await say(h, MGR, '谁负责检查验收？');
    expect(quotes(who)).toEqual([
      '(二)分配各地区千佳示范单位和百佳示范单位评选数量,组织开展对各地区初选百佳示范单位的检查验收;',
      '(三)组织千佳示范单位的检查验收,配合中银协开展百佳示范单位的检查验收等工作;',
    ]);
    expect(cardText(who)).toContain('第八条第（三）项');
  });

  it('answers @bot in a group, in the group, as a reply to the question', async () => {
    await regionsAndGroups(h);
    const [g] = await say(h, MGR, '百佳和千佳有什么区别？', { group: 'oc_bj' });
    expect(g!.chat_id).toBe('oc_bj');
    expect(g!.replyTo).toBeDefined();
    expect(cardText(g)).toContain('《管理办法》第四条');
    expect(cardText(g)).toContain('**答**：两个示范等级');
    expect(quotedLinesAreSource(g)).toBe(true);
    expect(await h.prisma.ruleQuestion.findFirstOrThrow()).toMatchObject({ chatId: 'oc_bj', askerOpenId: MGR });
  });

  it('the same message under two event ids is answered once and recorded once', async () => {
    for (const eventId of ['ev_rules_a', 'ev_rules_b']) {
      const d = await h.fake.deliverMessage({ from: MGR, chatType: 'p2p', text: '财务公司可以申报吗？', messageId: 'om_rules_same', eventId });
      expect(d.responses[0]!.status).toBe(200);
      await h.app.settle();
    }
    expect(h.fake.messagesTo(MGR)).toHaveLength(1);
    expect(await h.prisma.ruleQuestion.count()).toBe(1);
  });

  it('an explicit question with nothing in the 管理办法 says so and quotes nothing; an implicit one falls to help', async () => {
    const [none] = await say(h, MGR, '/ask 食堂周末开门吗');
    expect(cardText(none)).toContain('没有找到与这个问题相关的条款');
    expect(quotes(none)).toEqual([]);
    const [help] = await say(h, MGR, '明天会下雨吗？');
    expect(textOf(help)).not.toContain('没有找到与这个问题相关的条款');
    expect(await h.prisma.ruleQuestion.count()).toBe(1);
  });

  it('never captures commands or the application dialog\'s answers', async () => {
    await regionsAndGroups(h);
    await openCampaign(h, '2026年度评选', '2026-05-31');
    // `?` is help; 是/否, 1/2 and dates outside a dialog are not questions either.
    for (const t of ['？', '是', '2', '2023-05-01', '完成 3']) await say(h, MGR, t);
    expect(await h.prisma.ruleQuestion.count()).toBe(0);
    // Inside the dialog, a question-like answer goes to the dialog, not to the rules.
    await say(h, MGR, '申报');
    const [q2] = await say(h, MGR, '1');
    expect(textOf(q2)).toContain('第 2 步');
    const [reprompt] = await say(h, MGR, '有独立经营场所吗？');
    expect(textOf(reprompt)).toContain('请回复“是”或“否”');
    expect(await h.prisma.ruleQuestion.count()).toBe(0);
    // /ask is a command: it answers even while the dialog is open, and the dialog goes on where it was.
    const [asked] = await say(h, MGR, '/ask 信托公司能申报吗');
    expect(quotes(asked)).toHaveLength(1);
    const [q3] = await say(h, MGR, '是');
    expect(textOf(q3)).toContain('第 3 步');
  });
});
