/** Retrieval: a table of questions and the passage each must be answered with; confidence; the table's plain answers; no invention. */
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/rules/corpus.ts';
import { loadTable, parts, type TableEntry } from '../../src/rules/table.ts';
import { RulesIndex } from '../../src/rules/search.ts';
import { bigrams, expandQuery, normalize, similarity } from '../../src/rules/text.ts';
import { loadQuestions } from '../../bench/rules-eval.ts';

const corpus = loadCorpus();
const table = loadTable(corpus);
const index = new RulesIndex(corpus, table);

describe('text', () => {
  it('folds width and case, and cuts Han runs (with digits and letters) into bigrams', () => {
    expect(normalize('（一）ＡＴＭ？')).toBe('(一)atm?');
    expect(bigrams('开业2年以上,信托')).toEqual(['开业', '业2', '2年', '年以', '以上', '信托']);
    expect(bigrams('谁')).toEqual(['谁']);
  });
  it('adds the 管理办法\'s words for the staff\'s words', () => {
    expect(expandQuery('开业不满两年', table.lexicon)).toBe('开业不满两年 开业不满2年');
    expect(expandQuery('总行要报备吗', table.lexicon)).toBe('总行要报备吗 会员单位要报备吗');
    expect(expandQuery('信托', table.lexicon)).toBe('信托');
  });
  it('measures how alike two questions are', () => {
    expect(similarity('离行式自助银行能申报吗', '离行式自助银行能申报吗')).toBe(1);
    expect(similarity('离行式自助银行能申报吗', '离行式自助银行可以申报吗')).toBeGreaterThan(0.6);
    expect(similarity('离行式自助银行能申报吗', '银行能申报吗')).toBe(0.5);
    expect(similarity('离行式自助银行能申报吗', '评选多久一次')).toBe(0);
  });
});

describe('answers from the table and the text', () => {
  it.each([
    // question, best passage, confidence, words of the plain answer (or null for none)
    ['信托公司能申报吗？', '11.1', '不能申报：信托公司暂不在此列'],
    ['信托可以参加评选吗', '11.1', '不能申报'],
    ['租赁公司能报吗', '11.1', '租赁公司暂不在此列'],
    ['开业不满两年怎么办？', '11.4', '暂不能申报'],
    ['开业满两年那天能报吗', '11.4', '“以上”包括本数'],
    ['网点搬迁后开业时间怎么算', '11.4', '不算重新开业'],
    ['百佳和千佳有什么区别？', '4', '两个示范等级'],
    ['谁负责检查验收？', '7.2', '千佳示范单位由各地银行业协会组织检查验收'],
    ['千佳谁来检查验收', '8.3', '各地银行业协会'],
    ['四个条件都要满足吗', '11.p2', '特殊情况'],
    ['名额怎么分配', '5', '中银协'],
    ['资格审定谁负责', '9.3', '会员单位'],
    ['总行的评选活动方案要备案吗', '9.1', '报中银协备案'],
    ['配合不力会怎样', '10', '终止'],
  ])('%s → %s', (q, ref, words) => {
    const r = index.search(q);
    expect(r.confidence).toBe('high');
    expect(r.refs[0]).toBe(ref);
    expect(r.quoted[0]).toBe(ref);
    expect(r.answer).toContain(words);
  });

  it('cites both bodies for "who inspects", and 民法典 for the two-year boundary', () => {
    expect(index.search('谁负责检查验收？').quoted).toEqual(['7.2', '8.3']);
    const two = index.search('开业满2年当天算不算');
    expect(two.notes.join('\n')).toMatch(/第一千二百五十九条.*以上.*包括本数/);
    expect(two.notes.join('\n')).toContain('第二百零二条');
  });

  it('answers from the text alone where the table has nothing, without a plain answer', () => {
    const r = index.search('本地区不同等级示范单位的初选名单怎么确定');
    expect(r.refs[0]).toBe('8.2');
    expect(r.entry?.id === undefined || r.entry.id === 'preselection').toBe(true);
    const s = index.search('中银协自律工作委员会负责什么');
    expect(s.refs[0]).toBe('7');
    expect(s.answer).toBeUndefined();
  });

  it('is unsure, or finds nothing, for what the 管理办法 does not say; never invents a passage', () => {
    const low = index.search('营业厅空调温度怎么检查？');
    expect(low.confidence).toBe('low');
    expect(low.answer).toBeUndefined();
    for (const q of ['明天会下雨吗？', '食堂周末开门吗', 'hello?']) {
      const r = index.search(q);
      expect(r).toMatchObject({ confidence: 'none', refs: [], quoted: [], onTopic: false });
    }
    expect(index.search('年终奖发多少，评选有影响吗').onTopic).toBe(true);
    for (const { q } of loadQuestions()) for (const ref of [...index.search(q).refs, ...index.search(q).quoted]) expect(corpus.has(ref)).toBe(true);
  });

  it('prefers a learned row that matches, and keeps its passage', () => {
    const learned: TableEntry = { source: 'learned', id: '7', when: [parts('自助银行')], examples: ['离行式自助银行能申报吗'], refs: ['11.3'], answer: '不能单独申报。', notes: [] };
    const r = index.search('离行式自助银行可以申报吗？', [learned]);
    expect(r).toMatchObject({ confidence: 'high', quoted: ['11.3'], answer: '不能单独申报。', entry: { source: 'learned', id: '7' } });
    expect(index.search('自助银行算网点吗', [learned]).entry).toEqual({ source: 'learned', id: '7' });
    expect(index.search('离行式自助银行可以申报吗？').entry?.source).not.toBe('learned');
  });
});

describe('the benchmark questions (quality floor; the figures themselves are in bench/results.md)', () => {
  const qs = loadQuestions();
  const top1 = (split: string) => {
    const xs = qs.filter((x) => x.split === split);
    return xs.filter((x) => x.expect!.includes(index.search(x.q).refs[0]!)).length / xs.length;
  };
  it('answers at least 85 % of the dev and of the held-out questions with the right passage first', () => {
    expect(qs.length).toBeGreaterThanOrEqual(45);
    expect(top1('dev')).toBeGreaterThanOrEqual(0.85);
    expect(top1('heldout')).toBeGreaterThanOrEqual(0.85);
  });
  it('claims no confident answer to a question outside the 管理办法', () => {
    for (const x of qs.filter((x) => x.split === 'outside')) expect(index.search(x.q).confidence).not.toBe('high');
  });
});
