/** What counts as a question about the rules, and what never does (dialog answers, dates, checklist words, commands). */
import { describe, expect, it } from 'vitest';
import { detectQuestion } from '../../src/rules/detect.ts';

describe('questions', () => {
  it.each([
    '信托公司能申报吗？',
    '信托公司能申报吗',
    '信托公司能申报吗?',
    '开业不满两年怎么办？',
    '百佳和千佳有什么区别',
    '谁负责检查验收',
    '谁检查？',
    '名额是多少',
    '能否以综合性支行申报',
    '可以用单点式营业机构申报吗 🙏',
    '网点搬迁后是否需要重新计算开业时间',
    '评选多久一次呢',
    '开业时间从哪天算？！',
  ])('%s', (t) => expect(detectQuestion(t)).toEqual({ text: t.trim(), explicit: false }));

  it.each([
    ['问：信托公司能申报', '信托公司能申报'],
    ['问:名额谁定', '名额谁定'],
    ['请问：开业两年', '开业两年'],
    ['提问： 复选', '复选'],
  ])('%s is asked on purpose', (t, q) => expect(detectQuestion(t)).toEqual({ text: q, explicit: true }));
});

describe('not questions', () => {
  it.each([
    '', '是', '否', '是吗？', '对吗', '好的?', '可以吗？', '可以', '1', '2', '2?', '2023-05-01', '2023年5月1日', '2023/5/1？',
    '完成 3', '完成3', '撤销 2', '备注 3 是否需要盖章？', '/campaign status', '/unknown 是否', '继续', '取消', '开始申报',
    '什么？', '为什么', '谁？', '好吗', '示范银行北京分行朝阳支行', '单点式', '问：', '问：？',
  ])('%j', (t) => expect(detectQuestion(t)).toBeNull());
});
