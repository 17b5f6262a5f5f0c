/** The passages the bot quotes and cites: refs, labels (第十一条第（一）项), exact quotes, and a tampered data file refused. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_FILE, loadCorpus, RULES_DIR, RulesDataError, SOURCE_FILE } from '../../src/rules/corpus.ts';

const corpus = loadCorpus();
const source = readFileSync(join(RULES_DIR, SOURCE_FILE), 'utf8');

describe('passages', () => {
  it('has every article, item and closing paragraph as a passage', () => {
    expect(corpus.passages).toHaveLength(11 + 20 + 1);
    expect(corpus.passages.filter((p) => p.kind === 'article').map((p) => p.ref)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
  });

  it.each([
    ['1', '第一条'],
    ['7.2', '第七条第（二）项'],
    ['8.3', '第八条第（三）项'],
    ['9.5', '第九条第（五）项'],
    ['11', '第十一条'],
    ['11.1', '第十一条第（一）项'],
    ['11.4', '第十一条第（四）项'],
    ['11.p2', '第十一条第二款'],
  ])('%s is cited as %s', (ref, label) => expect(corpus.label(ref)).toBe(label));

  it('quotes each passage exactly as the source has it, and an article whole', () => {
    for (const p of corpus.passages) for (const line of p.quote) expect(source.split('\n')).toContain(line);
    expect(corpus.get('11.1')!.quote).toEqual(['(一)各级银行业协会会员单位所辖经营机构(信托公司、租赁公司、财务公司等暂不在此列);']);
    expect(corpus.get('11')!.quote).toHaveLength(6);
    expect(corpus.get('7')!.quote).toHaveLength(7);
    // Items are searched with their article's opening words (who does it), which are not part of their quote.
    expect(corpus.get('8.3')!.context).toBe(corpus.get('8')!.text);
  });

  it('refuses to cite what does not exist', () => {
    expect(corpus.has('12')).toBe(false);
    expect(() => corpus.label('11.5')).toThrow(RulesDataError);
  });
});

describe('loading a damaged rules folder', () => {
  let dir = '';
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
  const copy = () => {
    dir = mkdtempSync(join(tmpdir(), 'rules-'));
    cpSync(RULES_DIR, dir, { recursive: true });
    return dir;
  };

  it('a changed source text no longer matches the recorded hash', () => {
    const d = copy();
    writeFileSync(join(d, SOURCE_FILE), source.replace('暂不在此列', '可以申报'));
    expect(() => loadCorpus(d)).toThrow(/does not match the hash.*npm run rules:build/);
  });

  it('a quote edited in the data file is not in the source', () => {
    const d = copy();
    // Even a quote cut short (still a piece of the source) is refused: quotes are whole lines.
    writeFileSync(join(d, DATA_FILE), readFileSync(join(d, DATA_FILE), 'utf8').replace('(信托公司、租赁公司、财务公司等暂不在此列);', ''));
    expect(() => loadCorpus(d)).toThrow(/第十一条.*: the line "\(一\)各级银行业协会.*" is not a line of source.txt/);
  });

  it('a missing or malformed file is named', () => {
    const d = copy();
    writeFileSync(join(d, DATA_FILE), '{"title": 1}');
    expect(() => loadCorpus(d)).toThrow(/articles.json: title/);
    rmSync(join(d, DATA_FILE));
    expect(() => loadCorpus(d)).toThrow(/articles.json is missing/);
  });
});
