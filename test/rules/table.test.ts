/** The curated table file: checked against the corpus at start (bad refs, duplicate ids, bad shapes named), and how entries match. */
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/rules/corpus.ts';
import { buildTable, entryStrength, loadTable, parts, RulesTableError, type TableEntry } from '../../src/rules/table.ts';
import { normalize } from '../../src/rules/text.ts';

const corpus = loadCorpus();
const base = { version: 1, entries: [{ id: 'trust', when: ['信托'], refs: ['11.1'], answer: '不能申报。' }] };

describe('the committed table', () => {
  it('loads, cites only passages that exist, and holds the issue\'s rows', () => {
    const t = loadTable(corpus);
    const byId = new Map(t.entries.map((e) => [e.id, e]));
    expect(byId.get('trust')).toMatchObject({ refs: ['11.1'], answer: '不能申报：信托公司暂不在此列。' });
    expect(byId.get('open-two-years')!.refs).toEqual(['11.4']);
    expect(byId.get('open-two-years')!.notes.join('')).toContain('第一千二百五十九条');
    expect(byId.get('tiers')!.refs).toEqual(['4', '5', '7.2', '8.3']);
    expect(byId.get('who-inspects')!.refs).toEqual(['7.2', '8.3']);
    for (const e of t.entries) for (const r of e.refs) expect(corpus.has(r)).toBe(true);
  });
});

describe('a bad table is refused, naming the entry', () => {
  it.each([
    ['a passage that does not exist', { ...base, entries: [{ ...base.entries[0], refs: ['12.1'] }] }, /entry "trust" cites "12.1"/],
    ['a duplicate id', { ...base, entries: [base.entries[0], base.entries[0]] }, /"trust" is used twice/],
    ['no entries', { version: 1, entries: [] }, /entries/],
    ['a number where a phrase belongs', { ...base, entries: [{ ...base.entries[0], when: [1000] }] }, /entries.0.when.0/],
    ['an id with spaces', { ...base, entries: [{ ...base.entries[0], id: 'Trust company' }] }, /entries.0.id/],
  ])('%s', (_, raw, msg) => {
    expect(() => buildTable(raw, corpus)).toThrow(RulesTableError);
    expect(() => buildTable(raw, corpus)).toThrow(msg);
  });
});

describe('matching', () => {
  const e = (when: string[], examples: string[] = []): TableEntry => ({ source: 'table', id: 'x', when: when.map(parts), examples, refs: ['4'], notes: [] });
  it.each([
    [['信托'], '信托公司能申报吗', 2],
    [['百佳+千佳+区别'], '百佳和千佳有什么区别', 6],
    [['百佳+千佳+区别'], '百佳有什么区别', 0],
    [['谁+检查', '千佳+检查'], '千佳谁来检查', 4],
    [['ATM'], '我们的ａｔｍ能报吗', 3],
  ])('%j in %s: %i', (when, q, n) => expect(entryStrength(e(when), normalize(q))).toBe(n));

  it('a learned example matches a close question, not a distant one', () => {
    const x = e(['不会出现的词'], ['离行式自助银行能申报吗']);
    expect(entryStrength(x, normalize('离行式自助银行可以申报吗'))).toBeGreaterThan(0);
    expect(entryStrength(x, normalize('银行能申报吗'))).toBe(0);
  });
});
