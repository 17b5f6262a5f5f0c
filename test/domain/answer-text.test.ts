/** Why: typed replies decide 第十一条第（一）、（三）项, so whole meanings, negations, exclusions and doubt are pinned down case by case. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choiceNumber, interpretBoolean, interpretChoice, type Reading } from '../../src/domain/answer-text.ts';
import { loadEligibilityData, type EligibilityData } from '../../src/domain/eligibility-data.ts';

const FILE = new URL('../../prompts/zh-CN/eligibility.yaml', import.meta.url);
const data: EligibilityData = loadEligibilityData(readFileSync(FILE, 'utf8'), 'prompts/zh-CN/eligibility.yaml');
const vocab = data.answers;
const rank = { excluded: 2, non_member: 1, member: 0 } as const;
const classOf = new Map(data.institutions.map((t) => [t.id, t.class]));
const outranks = (a: string, b: string) => rank[classOf.get(a)!] > rank[classOf.get(b)!];
const institution = (text: string) => interpretChoice(text, data.institutions, vocab, outranks);
const kind = (text: string) => interpretChoice(text, data.kinds, vocab);

const choice = (id: string): Reading<string> => ({ kind: 'choice', id });
const ambiguous = (...candidates: string[]): Reading<string> => ({ kind: 'ambiguous', candidates });

describe('clause 1 (institution) replies', () => {
  it.each<[string, Reading<string>]>([
    // The readings the old substring match got wrong: each became a member branch.
    ['非会员单位', choice('non_member')],
    ['信托公司的网点', choice('trust')],
    ['租赁公司支行', choice('leasing')],
    ['我们是财务公司的营业部', choice('finance_company')],
    ['不是会员单位', choice('non_member')],
    ['不属于会员单位', ambiguous('trust', 'leasing', 'finance_company', 'other_non_bank', 'non_member')],
    // Plain answers.
    ['1', choice('member_branch')],
    ['６', choice('non_member')],
    ['第2项', choice('trust')],
    ['五', choice('other_non_bank')],
    ['7', { kind: 'unknown' }],
    ['工商银行北京分行朝阳支行', choice('member_branch')],
    ['会员单位所辖经营机构（银行网点、支行等）', choice('member_branch')],
    ['信托', choice('trust')],
    ['金融租赁公司', choice('leasing')],
    ['汽车金融公司', choice('other_non_bank')],
    ['消费金融公司的门店', choice('other_non_bank')],
    ['非银行金融机构', choice('other_non_bank')],
    // Negations count against a choice, not for it.
    ['不是信托公司，是银行支行', choice('member_branch')],
    ['不是信托是支行', choice('member_branch')],
    ['并非一家信托公司，是会员单位的网点', choice('member_branch')],
    ['无锡分行', choice('member_branch')],
    // Doubt, or two readings that do not outrank each other: ask again.
    ['银行或者信托', ambiguous('member_branch', 'trust')],
    ['是信托公司吗？', ambiguous('trust')],
    ['信托和租赁都有', ambiguous('trust', 'leasing')],
    ['我也不知道', ambiguous()],
    ['随便', { kind: 'unknown' }],
    ['', { kind: 'unknown' }],
  ])('%s', (text, expected) => {
    expect(institution(text)).toEqual(expected);
  });
});

describe('clause 3 (kind) replies', () => {
  it.each<[string, Reading<string>]>([
    ['不是综合性支行，是单点', choice('single_point')],
    ['不是综合性支行', ambiguous('single_point', 'other')],
    ['不是单点式，是综合支行', choice('comprehensive_subbranch')],
    ['单点式营业机构', choice('single_point')],
    ['综合性支行下属网点', choice('comprehensive_subbranch')],
    ['离行式自助银行', choice('other')],
    ['2', choice('single_point')],
    ['综合性支行还是单点，不确定', ambiguous('comprehensive_subbranch', 'single_point')],
    ['单点和综合性支行', ambiguous('comprehensive_subbranch', 'single_point')],
  ])('%s', (text, expected) => {
    const r = kind(text);
    // Candidates are a set: compare sorted.
    if (r.kind === 'ambiguous' && expected.kind === 'ambiguous') expect([...r.candidates].sort()).toEqual([...expected.candidates].sort());
    else expect(r).toEqual(expected);
  });
});

describe('yes/no replies', () => {
  it.each<[string, boolean | null]>([
    ['是', true],
    ['是的，有独立的经营场所', true],
    ['有', true],
    ['持有金融许可证', true],
    ['1', true],
    ['否', false],
    ['没有', false],
    ['没有金融许可证', false],
    ['不是', false],
    ['无独立场所', false],
    ['2', false],
    ['是不是', null],
    ['有没有', null],
    ['不清楚', null],
    ['大概有吧', null],
    ['是的，不过是租的，不是自有', null],
    ['123', null],
    ['hello', null],
  ])('%s → %s', (text, expected) => {
    expect(interpretBoolean(text, vocab)).toBe(expected);
  });
});

describe('choiceNumber', () => {
  it.each<[string, number | null]>([
    ['3', 3], ['３', 3], ['第3项', 3], ['选 4', 4], ['4.', 4], ['二', 2], ['十', 10], ['3a', null], ['三号楼', null],
  ])('%s → %s', (text, n) => {
    expect(choiceNumber(text)).toBe(n);
  });
});
