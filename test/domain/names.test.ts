/** Table tests: names that look alike are one name once normalised; visible differences stay. */
import { describe, expect, it } from 'vitest';
import { cleanName, nameProblem, normalizeName, sameName } from '../../src/domain/names.ts';

const same: Array<[string, string, string]> = [
  ['zero-width space', '北京中关\u200b村支行', '北京中关村支行'],
  ['zero-width joiner and non-joiner', '北京\u200d中关\u200c村支行', '北京中关村支行'],
  ['word joiner and BOM', '\ufeff北京\u2060中关村支行', '北京中关村支行'],
  ['soft hyphen', '北京中关\u00ad村支行', '北京中关村支行'],
  ['bidi override and isolate', '\u202e北京中关村支行\u202c\u2066', '北京中关村支行'],
  ['LRM / RLM marks', '北京\u200e中关村\u200f支行', '北京中关村支行'],
  ['variation selector', '北京中关村支行\ufe0f', '北京中关村支行'],
  ['full-width letters and digits', 'ＡＢＣ银行１号支行', 'ABC银行1号支行'],
  ['full-width parentheses', '朝阳支行（营业部）', '朝阳支行(营业部)'],
  ['ideographic space, tabs and newlines collapse', '朝阳\u3000支行\t\n营业部', '朝阳 支行 营业部'],
  ['leading and trailing spaces', '  朝阳支行  ', '朝阳支行'],
  ['control characters', '朝阳\u0007支行\u0085', '朝阳支行'],
  ['circled and compatibility digits', '第①支行', '第1支行'],
  ['half-width katakana (NFKC)', 'ｶﾀｶﾅ支行', 'カタカナ支行'],
  ['a lone surrogate is made well-formed', '朝阳支行\ud800', '朝阳支行\ufffd'],
];

describe('normalizeName', () => {
  it.each(same)('%s', (_label, input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const [, input] of same) expect(normalizeName(normalizeName(input))).toBe(normalizeName(input));
  });

  const different: Array<[string, string]> = [
    ['北京中关村支行', '北京中关村分行'],
    ['朝阳支行', '朝阳 支行'],
    ['中國銀行', '中国银行'], // traditional and simplified are different names: NFKC does not fold them
  ];
  it.each(different)('%s and %s stay different', (a, b) => {
    expect(sameName(a, b)).toBe(false);
  });
});

describe('nameProblem', () => {
  const cases: Array<[string, ReturnType<typeof nameProblem>]> = [
    ['支', 'too_short'],
    ['', 'too_short'],
    ['朝阳支行', null],
    ['一'.repeat(60), null],
    ['一'.repeat(61), 'too_long'],
    ['😀'.repeat(60), null], // counted in characters, not UTF-16 units
  ];
  it.each(cases)('%j → %s', (name, problem) => {
    expect(nameProblem(normalizeName(name))).toBe(problem);
  });
  it('counts only what is left after normalising (a name of zero-width spaces is empty)', () => {
    expect(nameProblem(normalizeName('\u200b\u200b\u200b'))).toBe('too_short');
  });
});

describe('cleanName (regions and banks)', () => {
  it.each([
    ['北\u200b京', '北京'],
    ['  上海市银行业协会（演示） ', '上海市银行业协会（演示）'],
    ['示范\t银行\u202e', '示范 银行'],
  ])('%j → %j (invisible characters go, full-width punctuation stays)', (input, expected) => {
    expect(cleanName(input)).toBe(expected);
  });
});
