/** /ask (/问, /提问) and 问：…: asking the 管理办法 on purpose, answered even when nothing matches. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { cardText, quotedLinesAreSource, quotes } from '../helpers/rules.ts';
import { args } from '../../src/commands/ask.ts';

const MGR = 'ou_manager_ask';
let h: Harness;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
});
afterEach(async () => h.close());

describe('/ask', () => {
  it('joins the words after the trigger into the question', () => {
    expect(args.parse(['信托公司', '能申报吗'])).toEqual({ question: '信托公司 能申报吗' });
    expect(args.parse([])).toEqual({ question: '' });
  });

  it('answers /ask, /问 and 问：… with quotes of the 管理办法, without a question mark', async () => {
    const cases: Array<[string, string]> = [
      ['/ask 财务公司可以申报吗', '(一)各级银行业协会会员单位所辖经营机构(信托公司、租赁公司、财务公司等暂不在此列);'],
      ['/问 多久评一次', '第五条 评选活动原则上每2年举行一次,采用自愿申报、差额评选的方式进行。千佳示范单位、百佳示范单位的评选数量由中银协根据各地区实际情况确定和分配。原则上,千佳示范单位、百佳示范单位数量总计不超过1000家。'],
      ['问：资格审定归谁管', '(三)对本系统百佳示范单位的候选单位进行资格审定;'],
    ];
    for (const [t, quote] of cases) {
      const [a] = await say(h, MGR, t);
      expect(quotes(a)[0]).toBe(quote);
      expect(quotedLinesAreSource(a)).toBe(true);
    }
    expect(await h.prisma.ruleQuestion.count()).toBe(3);
  });

  it('with nothing in the 管理办法, says so, quotes nothing and offers the secretariat', async () => {
    const [a] = await say(h, MGR, '/ask 食堂周末开门吗');
    expect(cardText(a)).toContain('《管理办法》里没有找到与这个问题相关的条款');
    expect(cardText(a)).toContain('转给秘书处答复');
    expect(quotes(a)).toEqual([]);
    expect(JSON.parse((await h.prisma.ruleQuestion.findFirstOrThrow()).result)).toMatchObject({ confidence: 'none', refs: [] });
  });

  it('without a question, says how to ask and records nothing', async () => {
    const [a] = await say(h, MGR, '/ask');
    expect(textOf(a)).toContain('/ask 信托公司能申报吗');
    expect(await h.prisma.ruleQuestion.count()).toBe(0);
  });
});
