/** Why: a typed reply must be read for its whole meaning (negations, exclusions, doubt), never by the first substring that happens to match. */

/** One choice of a question, with the words a person might type for it. */
export interface ChoiceWords<T extends string> {
  id: T;
  words: readonly string[];
}

export interface ReplyVocabulary {
  /** Before a choice's word in the same clause, these make it a "not this" (不是综合性支行). */
  negations: readonly string[];
  /** Any of these makes the reply a guess to confirm (或者, 不确定, 吗). */
  uncertain: readonly string[];
}

export type Reading<T extends string> =
  | { kind: 'choice'; id: T }
  /** More than one choice fits, or the person is unsure: ask again with these (all choices when empty). */
  | { kind: 'ambiguous'; candidates: T[] }
  | { kind: 'unknown' };

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** NFKC (full-width digits and letters), lower case, no surrounding spaces or closing punctuation. */
export function normalizeReply(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[。.!！~～]+$/u, '').trim();
}

/** "3", "第3项", "选 3", "3.", "三": a choice by its 1-based number, or null. */
export function choiceNumber(text: string): number | null {
  const t = normalizeReply(text);
  const m = /^(?:第|选|选择)?\s*(\d{1,2}|[一二两三四五六七八九十])\s*(?:项|个|号|[.、)）])?$/u.exec(t);
  if (!m) return null;
  const n = CN_DIGITS[m[1]!] ?? Number(m[1]);
  return Number.isInteger(n) ? n : null;
}

interface Match<T> {
  id: T;
  start: number;
  end: number;
}

/** Longest word first at each position, left to right, so 非会员单位 is one match and not 会员单位 inside it. */
function scan<T extends string>(clause: string, choices: readonly ChoiceWords<T>[]): Match<T>[] {
  const all = choices.flatMap((c) => c.words.map((w) => ({ id: c.id, w: w.normalize('NFKC').toLowerCase() }))).sort((a, b) => b.w.length - a.w.length);
  const out: Match<T>[] = [];
  for (let i = 0; i < clause.length; ) {
    const hit = all.find((x) => x.w.length > 0 && clause.startsWith(x.w, i));
    if (hit) {
      out.push({ id: hit.id, start: i, end: i + hit.w.length });
      i += hit.w.length;
    } else i++;
  }
  return out;
}

/**
 * Reads a reply to a choice question.
 * - A number (1-based, also 第3项, 三) picks that choice.
 * - Otherwise the reply is split into clauses (，；。/ and spaces); in each clause every choice word is found, longest
 *   first. A word with a negation between it and the previous word of the clause (不是综合性支行) counts against that
 *   choice, not for it.
 * - Of the choices named positively, `outranks` decides (an excluded type named with a branch word — 信托公司的网点,
 *   租赁公司支行 — is that excluded type). One left: that choice. Several, or any word of doubt: ambiguous.
 */
export function interpretChoice<T extends string>(
  text: string,
  choices: readonly ChoiceWords<T>[],
  vocab: ReplyVocabulary,
  outranks: (a: T, b: T) => boolean = () => false,
): Reading<T> {
  const n = choiceNumber(text);
  if (n !== null) {
    const c = choices[n - 1];
    return c ? { kind: 'choice', id: c.id } : { kind: 'unknown' };
  }
  const t = normalizeReply(text);
  if (!t) return { kind: 'unknown' };
  const positive = new Set<T>();
  const negated = new Set<T>();
  for (const clause of t.split(/[,，;；。、/|\n]+/u).filter(Boolean)) {
    let from = 0;
    for (const m of scan(clause, choices)) {
      (negatedBefore(clause.slice(from, m.start), vocab.negations) ? negated : positive).add(m.id);
      from = m.end;
    }
  }
  for (const id of negated) positive.delete(id);
  const unsure = vocab.uncertain.some((w) => t.includes(w.normalize('NFKC').toLowerCase()));
  let left = [...positive];
  left = left.filter((a) => !left.some((b) => b !== a && outranks(b, a)));
  if (unsure) return { kind: 'ambiguous', candidates: [...positive] };
  if (left.length === 1) return { kind: 'choice', id: left[0]! };
  if (left.length > 1) return { kind: 'ambiguous', candidates: left };
  return negated.size > 0 ? { kind: 'ambiguous', candidates: choices.map((c) => c.id).filter((id) => !negated.has(id)) } : { kind: 'unknown' };
}

/** Fillers that may stand between a negation and the word it negates: 不是一家信托公司, 不属于会员单位. */
const FILLERS = /(?:一家|一个|一所|一类|一种|属于|的|为|是|\s)$/u;

/**
 * Whether the text right before a word ends with a negation (after dropping up to two fillers). Only the end counts,
 * so a place name with 无 or 不 earlier in the clause (无锡分行) is not read as "not".
 */
function negatedBefore(between: string, negations: readonly string[]): boolean {
  let rest = between;
  for (let i = 0; i < 3; i++) {
    if (negations.some((n) => rest.endsWith(n.normalize('NFKC')))) return true;
    const trimmed = rest.replace(FILLERS, '');
    if (trimmed === rest) return false;
    rest = trimmed;
  }
  return false;
}

export interface BooleanWords extends ReplyVocabulary {
  yes: readonly string[];
  no: readonly string[];
}

/**
 * Reads a yes/no reply: an exact word (是, 否, 有, 没有, 1, 2), or a first clause that opens with one (没有金融许可证 → no;
 * 是的，有独立场所 → yes). A "yes" opening followed by a negation (是不是, 有没有) or any doubt is not read: null.
 */
export function interpretBoolean(text: string, w: BooleanWords): boolean | null {
  const t = normalizeReply(text);
  const norm = (xs: readonly string[]) => xs.map((x) => x.normalize('NFKC').toLowerCase()).sort((a, b) => b.length - a.length);
  const yes = norm(w.yes);
  const no = norm(w.no);
  if (yes.includes(t)) return true;
  if (no.includes(t)) return false;
  if (w.uncertain.some((u) => t.includes(u.normalize('NFKC').toLowerCase()))) return null;
  const first = t.split(/[,，;；。、\s]+/u).filter(Boolean)[0] ?? '';
  const rest = t.slice(t.indexOf(first) + first.length);
  const noLead = no.find((x) => !/^[a-z0-9]+$/.test(x) && first.startsWith(x));
  const yesLead = yes.find((x) => !/^[a-z0-9]+$/.test(x) && first.startsWith(x));
  if (noLead && (!yesLead || noLead.length >= yesLead.length)) return true === negatedAgain(first.slice(noLead.length), w) ? null : false;
  if (yesLead) {
    const after = first.slice(yesLead.length) + rest;
    return w.negations.some((n) => after.includes(n.normalize('NFKC'))) ? null : true;
  }
  return null;
}

/** "没有不" and the like: a second negation right after the first is too clever to guess. */
function negatedAgain(after: string, w: BooleanWords): boolean {
  return w.negations.some((n) => after.startsWith(n.normalize('NFKC')));
}
