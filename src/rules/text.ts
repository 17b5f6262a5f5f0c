/** Why: Chinese text to search terms with no native code: NFKC, character bigrams, and a small dictionary of the 管理办法's words. */

/** Words of the 管理办法 and aliases (what staff say → what the 管理办法 says), from prompts/zh-CN/rules/table.yaml. */
export interface Lexicon {
  /** Whole words worth matching as one term (信托公司, 检查验收, 资格审定…), besides their bigrams. */
  dictionary: readonly string[];
  /** Staff's words and the 管理办法's for them: 总行 → 会员单位. The second is added to a question that has the first. */
  aliases: ReadonlyArray<readonly [string, string]>;
}

export const EMPTY_LEXICON: Lexicon = { dictionary: [], aliases: [] };

/** Width and case folded (full-width （？ become (?), traditional-looking variants left alone. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const RUN = /[\p{Script=Han}\p{N}a-z]+/gu;

/** Character bigrams of each run of Han characters, digits and letters (a one-character run is kept as it is). */
export function bigrams(text: string): string[] {
  const out: string[] = [];
  for (const m of normalize(text).matchAll(RUN)) {
    const chars = Array.from(m[0]);
    if (chars.length === 1) out.push(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** Terms of a text: its bigrams, plus `#word` for every dictionary word it contains (as often as it occurs). */
export function terms(text: string, lex: Lexicon): string[] {
  const n = normalize(text);
  const out = bigrams(n);
  for (const w of lex.dictionary) {
    let at = n.indexOf(w);
    while (at >= 0) {
      out.push(`#${w}`);
      at = n.indexOf(w, at + w.length);
    }
  }
  return out;
}

/**
 * A question with the 管理办法's words for the staff's words it uses: the question, then a copy with each alias
 * replaced ("不满两年" also reads "不满2年"; "总行" also reads "会员单位").
 */
export function expandQuery(question: string, lex: Lexicon): string {
  const n = normalize(question);
  let replaced = n;
  for (const [from, to] of lex.aliases) if (replaced.includes(from)) replaced = replaced.split(from).join(to);
  return replaced === n ? n : `${n} ${replaced}`;
}

/**
 * How alike two questions are (0…1): the share of each one's bigrams found in the other, whichever is smaller. Stricter
 * than Dice: a short generic question ("银行能申报吗") inside a specific one does not count as the same question.
 */
export function similarity(a: string, b: string): number {
  const x = new Set(bigrams(a));
  const y = new Set(bigrams(b));
  if (!x.size || !y.size) return 0;
  let common = 0;
  for (const t of x) if (y.has(t)) common++;
  return Math.min(common / x.size, common / y.size);
}
