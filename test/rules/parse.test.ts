/** The 管理办法 parser: every article of 篇1 found and numbered right, items in order, bad shapes refused; the committed data is what the source gives. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chineseNumber, extractSection, parseRules, RulesParseError, toChineseNumber } from '../../src/rules/parse.ts';
import { buildRulesData, findSourceFile, serialize } from '../../src/rules/build.ts';
import { DATA_FILE, RULES_DIR, SOURCE_FILE, sha256 } from '../../src/rules/corpus.ts';

const committedSource = readFileSync(join(RULES_DIR, SOURCE_FILE), 'utf8');
const committedData = readFileSync(join(RULES_DIR, DATA_FILE), 'utf8');

describe('Chinese numerals', () => {
  it.each([
    ['一', 1], ['九', 9], ['十', 10], ['十一', 11], ['十九', 19], ['二十', 20], ['二十三', 23], ['九十九', 99],
  ])('%s = %i, and back', (s, n) => {
    expect(chineseNumber(s)).toBe(n);
    expect(toChineseNumber(n)).toBe(s);
  });
  it.each(['', '零十', '十十', '一二', '十二三', '百', 'x', '一十一十'])('refuses %j', (s) => expect(chineseNumber(s)).toBeNull());
});

describe('parsing 篇1 (the committed source text)', () => {
  const parsed = parseRules('银行业文明规范服务示范单位管理办法', committedSource);
  const articles = JSON.parse(committedData) as { articles: Array<{ number: number; label: string; chapter: number; items: unknown[]; after: string[] }> };

  it('finds 第一条 to 第十一条, in order, each numbered and labelled right, in its chapter', () => {
    expect(parsed.articles.map((a) => a.label)).toEqual(['第一条', '第二条', '第三条', '第四条', '第五条', '第六条', '第七条', '第八条', '第九条', '第十条', '第十一条']);
    expect(parsed.articles.map((a) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(parsed.articles.map((a) => a.chapter)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
    expect(parsed.chapters.map((c) => c.heading)).toEqual(['第一章 总 则', '第二章 评选活动组织', '第三章 示范单位条件']);
    for (const a of parsed.articles) expect(a.lead[0]!.startsWith(`${a.label} `)).toBe(true);
  });

  it('finds every item, numbered (一)… within its article, and 第十一条\'s closing paragraph', () => {
    expect(parsed.articles.map((a) => a.items.length)).toEqual([0, 0, 0, 0, 0, 0, 6, 5, 5, 0, 4]);
    for (const a of parsed.articles) a.items.forEach((it, i) => expect(it.label).toBe(`(${toChineseNumber(i + 1)})`));
    const a11 = parsed.articles[10]!;
    expect(a11.lead).toEqual(['第十一条 申报资格:']);
    expect(a11.items[0]!.text).toBe('(一)各级银行业协会会员单位所辖经营机构(信托公司、租赁公司、财务公司等暂不在此列);');
    expect(a11.items[3]!.text).toBe('(四)开业2年以上(不含机构地址、名称变更)。');
    expect(a11.after).toEqual(['原则上,申报单位须同时具备上述四个条件。特殊情况须书面报经中银协审查认可方能申报。']);
    expect(parsed.articles.filter((a) => a.after.length).map((a) => a.label)).toEqual(['第十一条']);
  });

  it('the committed articles.json is exactly what the committed source text parses to', () => {
    const { data } = buildRulesData(`银行业文明规范服务示范单位管理办法 篇1\n\n${committedSource}`, 'x.txt');
    const committed = JSON.parse(committedData) as { source: { sectionSha256: string } };
    expect(committed.source.sectionSha256).toBe(sha256(committedSource));
    expect(JSON.parse(serialize(data)).articles).toEqual(articles.articles);
  });
});

describe('against the shared source (../shared/source, only 篇1)', () => {
  it('the committed source text and data are what `npm run rules:build` makes of it', () => {
    const file = findSourceFile();
    const committed = JSON.parse(committedData) as { source: { file: string; sha256: string } };
    if (!file) {
      // Outside the project's workspace the shared folder may be absent: the recorded hash still ties the data to it.
      console.warn('rules: ../shared/source not found (set RULES_SOURCE_DIR); checked the committed files only');
      expect(committed.source.sha256).toMatch(/^[0-9a-f]{64}$/);
      return;
    }
    const text = readFileSync(file, 'utf8');
    const { data, sectionText } = buildRulesData(text, basename(file));
    expect(sectionText).toBe(committedSource);
    expect(serialize(data)).toBe(committedData);
    // Only 篇1: nothing from the essays that follow it.
    expect(committedSource).not.toContain('篇2');
    expect(text.indexOf('篇2')).toBeGreaterThan(text.indexOf(committedSource.slice(-40)));
  });
});

describe('refusing a source of the wrong shape', () => {
  const ok = '第一章 总 则\n\n第一条 甲。\n\n第二条 乙:\n(一)一;\n(二)二。\n';
  it('parses a small well-formed text', () => {
    expect(parseRules('t', ok).articles.map((a) => [a.label, a.items.length])).toEqual([['第一条', 0], ['第二条', 2]]);
  });
  it.each([
    ['a skipped article', ok.replace('第二条', '第三条'), /numbered 3, expected 2/],
    ['a skipped item', ok.replace('(二)二', '(三)二'), /numbered 3, expected 2/],
    ['an article before any chapter', '第一条 甲。\n', /before any chapter/],
    ['text before the first article', '第一章 总 则\n前言\n第一条 甲。\n', /text before the first article/],
    ['an item after the closing paragraph', ok + '原则上,乙。\n(三)三。\n', /after its closing paragraph/],
    ['a chapter with no article', ok + '第二章 空\n', /has no article/],
  ])('%s', (_, text, msg) => {
    expect(() => parseRules('t', text)).toThrow(RulesParseError);
    expect(() => parseRules('t', text)).toThrow(msg);
  });
  it('names the line', () => {
    expect(() => parseRules('t', ok.replace('第二条', '第三条'))).toThrow(/^line 5:/);
  });
  it('needs the 篇1 heading, and stops at the next 篇', () => {
    expect(() => extractSection('no headings here')).toThrow(/篇1/);
    const s = extractSection('标题 篇1\n\n第一章 总 则\n\n第一条 甲。\n\n标题 篇2\n\n别的文章\n');
    expect(s).toEqual({ title: '标题', text: '第一章 总 则\n\n第一条 甲。\n' });
  });
});
