/** Why: turns the 管理办法 text (篇1 of the shared source) into numbered chapters, articles and items, exactly as written. */

/** One item of an article: 第七条's (一)…(六), with its text exactly as in the source (label included). */
export interface RuleItem {
  number: number;
  /** The label as printed, e.g. "(一)". */
  label: string;
  text: string;
}

export interface RuleArticle {
  number: number;
  /** "第十一条". */
  label: string;
  chapter: number;
  /** The paragraphs before the items; the first starts with the article's label, as in the source. */
  lead: string[];
  items: RuleItem[];
  /** Paragraphs after the items (第十一条's "原则上, …"): each is a 款 of its own. */
  after: string[];
}

export interface RuleChapter {
  number: number;
  /** "第一章 总 则", as printed. */
  heading: string;
  title: string;
}

export interface ParsedRules {
  title: string;
  chapters: RuleChapter[];
  articles: RuleArticle[];
}

/** The source does not have the shape the parser expects; the message names the line and what to check. */
export class RulesParseError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'RulesParseError';
  }
}

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Reads a Chinese numeral up to 九十九 (十一, 二十, 二十三, 十). Returns null for anything else. */
export function chineseNumber(s: string): number | null {
  if (!s) return null;
  const ten = s.indexOf('十');
  if (ten < 0) return s.length === 1 && s in DIGITS ? DIGITS[s]! : null;
  const rest = s.slice(ten + 1);
  if (ten > 1 || rest.length > 1) return null;
  const tens = ten === 0 ? 1 : DIGITS[s[0]!];
  const unit = rest ? DIGITS[rest] : 0;
  if (tens === undefined || unit === undefined || tens === 0 || (rest && unit === 0)) return null;
  return tens * 10 + unit;
}

/** The inverse, for labels: 11 → "十一", 20 → "二十". */
export function toChineseNumber(n: number): string {
  const d = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`toChineseNumber: ${n} is outside 1–99`);
  if (n < 10) return d[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : d[tens]}十${n % 10 ? d[n % 10] : ''}`;
}

const CHAPTER = /^第([零〇一二三四五六七八九十]+)章\s*(.+)$/;
const ARTICLE = /^第([零〇一二三四五六七八九十]+)条(?:\s|$)/;
const ITEM = /^[(（]([一二三四五六七八九十]+)[)）]/;

/** The 管理办法 proper: the part of the source between the "篇1" heading and the next "篇" heading. */
export function extractSection(source: string, section = '篇1'): { title: string; text: string } {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((l) => l.trim().endsWith(` ${section}`));
  if (start < 0) throw new RulesParseError(`no heading ending in " ${section}" in the source; check that the file is the 管理办法 collection`);
  const title = lines[start]!.trim().slice(0, -section.length).trim();
  let end = lines.findIndex((l, i) => i > start && /\s篇\d+$/.test(l.trim()));
  if (end < 0) end = lines.length;
  const text = lines.slice(start + 1, end).join('\n').trim() + '\n';
  return { title, text };
}

/** Parses the section's text. Numbers must run 1, 2, 3… (chapters, articles, and items within each article). */
export function parseRules(title: string, text: string): ParsedRules {
  const chapters: RuleChapter[] = [];
  const articles: RuleArticle[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const no = i + 1;
    if (!line) return;
    const ch = CHAPTER.exec(line);
    if (ch) {
      const n = chineseNumber(ch[1]!);
      if (n !== chapters.length + 1) throw new RulesParseError(`chapter "${line}" is numbered ${n ?? ch[1]}, expected ${chapters.length + 1}`, no);
      chapters.push({ number: n, heading: line, title: ch[2]!.trim() });
      return;
    }
    const ar = ARTICLE.exec(line);
    if (ar) {
      const n = chineseNumber(ar[1]!);
      if (n !== articles.length + 1) throw new RulesParseError(`article "${line.slice(0, 12)}…" is numbered ${n ?? ar[1]}, expected ${articles.length + 1}`, no);
      if (!chapters.length) throw new RulesParseError(`article ${line.slice(0, 6)} comes before any chapter heading (第一章 …)`, no);
      articles.push({ number: n, label: `第${ar[1]}条`, chapter: chapters.length, lead: [line], items: [], after: [] });
      return;
    }
    const art = articles.at(-1);
    if (!art) throw new RulesParseError(`text before the first article: "${line.slice(0, 20)}"`, no);
    const it = ITEM.exec(line);
    if (it) {
      const n = chineseNumber(it[1]!);
      if (art.after.length) throw new RulesParseError(`item "${line.slice(0, 10)}" of ${art.label} comes after its closing paragraph`, no);
      if (n !== art.items.length + 1) throw new RulesParseError(`item "${line.slice(0, 10)}" of ${art.label} is numbered ${n ?? it[1]}, expected ${art.items.length + 1}`, no);
      art.items.push({ number: n, label: it[0]!, text: line });
      return;
    }
    (art.items.length ? art.after : art.lead).push(line);
  });
  if (!articles.length) throw new RulesParseError('no article (第一条 …) found in the section');
  for (const c of chapters) {
    if (!articles.some((a) => a.chapter === c.number)) throw new RulesParseError(`chapter "${c.heading}" has no article`);
  }
  return { title, chapters, articles };
}
