/** Why: finds the passages of the 管理办法 that answer a question: the curated table first, then BM25 over bigrams; says how sure it is. */
import type { Corpus, Passage, RuleRef } from './corpus.ts';
import { entryStrength, type Table, type TableEntry } from './table.ts';
import { expandQuery, normalize, terms } from './text.ts';

/** high: quote it as the answer. low: the nearest passages, offered as such. none: the 管理办法 says nothing on it. */
export type Confidence = 'high' | 'low' | 'none';

export interface RulesResult {
  confidence: Confidence;
  /** Best first (at most 5). */
  refs: RuleRef[];
  /** The passages to quote (the table's refs for a matched entry, else the best one). */
  quoted: RuleRef[];
  /** Other passages worth naming (not quoted): close runners-up of a confident answer. */
  related: RuleRef[];
  /** The matched entry's plain answer and notes, when the best passage came from it. */
  answer?: string;
  notes: string[];
  entry?: { source: TableEntry['source']; id: string };
  /** The question is about the selection (a topic word, or a passage matched), even if nothing answers it. */
  onTopic: boolean;
}

const K1 = 1.2;
const B = 0.75;
/** How much an item's article lead counts towards the item ("各地银行业协会…" for 第八条's items). */
const CONTEXT_WEIGHT = 0.35;
/** A table match outweighs any BM25 score (those are scaled to 0…1), and keeps the order of the entry's refs. */
const ENTRY_WEIGHT = 6;
const REF_STEP = 0.2;
/** high needs this share of the question's known terms (by idf) in the best passage … */
const MIN_COVERAGE = 0.5;
/** … and this much idf matched in all (about two informative bigrams); below NONE_IDF nothing specific matched. */
const MIN_IDF = 4;
const NONE_IDF = 2.2;
/** A runner-up is named as related when it scores at least this share of the best one. */
const RELATED_SHARE = 0.5;

interface Doc {
  passage: Passage;
  tf: Map<string, number>;
  len: number;
}

export class RulesIndex {
  private readonly docs: Doc[] = [];
  private readonly df = new Map<string, number>();
  private readonly avgLen: number;

  constructor(readonly corpus: Corpus, readonly table: Table) {
    for (const p of corpus.passages) {
      const tf = new Map<string, number>();
      const own = terms(p.text, table.lexicon);
      const ctx = p.context ? terms(p.context, table.lexicon) : [];
      for (const t of own) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of ctx) tf.set(t, (tf.get(t) ?? 0) + CONTEXT_WEIGHT);
      for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      this.docs.push({ passage: p, tf, len: own.length + CONTEXT_WEIGHT * ctx.length });
    }
    this.avgLen = this.docs.reduce((n, d) => n + d.len, 0) / this.docs.length;
  }

  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return df ? Math.log(1 + (this.docs.length - df + 0.5) / (df + 0.5)) : 0;
  }

  /** BM25 of every passage for the question's terms, and how much of the question (by idf) each one covers. */
  private bm25(qTerms: string[]): Array<{ doc: Doc; score: number; covered: number }> {
    const unique = [...new Set(qTerms)];
    return this.docs.map((doc) => {
      let score = 0;
      let covered = 0;
      for (const t of unique) {
        const f = doc.tf.get(t);
        if (!f) continue;
        const idf = this.idf(t);
        score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * doc.len) / this.avgLen));
        covered += idf;
      }
      return { doc, score, covered };
    });
  }

  /** Answers one question against the curated table plus `learned` rows (the secretariat's, from the database). */
  search(question: string, learned: readonly TableEntry[] = []): RulesResult {
    const q = expandQuery(question, this.table.lexicon);
    const qn = normalize(question);
    const qTerms = terms(q, this.table.lexicon);
    const known = [...new Set(qTerms)].reduce((n, t) => n + this.idf(t), 0);
    const scored = this.bm25(qTerms);
    const maxScore = Math.max(...scored.map((s) => s.score), 0);

    const matches = [...this.table.entries, ...learned]
      .map((e) => ({ e, strength: Math.max(entryStrength(e, qn), entryStrength(e, q)) }))
      .filter((m) => m.strength > 0)
      .sort((a, b) => b.strength - a.strength || (a.e.source === 'learned' ? -1 : 1));
    const top = matches[0];
    const boost = new Map<RuleRef, number>();
    for (const m of matches) {
      m.e.refs.forEach((r, i) => boost.set(r, Math.max(boost.get(r) ?? 0, (m.strength / top!.strength) * Math.max(0.1, 1 - REF_STEP * i))));
    }

    const ranked = scored
      .map((s) => ({ ...s, ref: s.doc.passage.ref, total: (maxScore ? s.score / maxScore : 0) + ENTRY_WEIGHT * (boost.get(s.doc.passage.ref) ?? 0) }))
      .filter((s) => s.total > 0)
      .sort((a, b) => b.total - a.total);
    const best = ranked[0];
    if (!best || (!boost.size && best.covered < NONE_IDF)) {
      return { confidence: 'none', refs: [], quoted: [], related: [], notes: [], onTopic: this.table.topic.some((w) => q.includes(w)) };
    }

    const fromEntry = top && top.e.refs.includes(best.ref);
    const confident = fromEntry || (best.covered >= MIN_IDF && best.covered / known >= MIN_COVERAGE);
    const refs = ranked.slice(0, 5).map((r) => r.ref);
    const quoted = fromEntry ? top.e.refs.slice(0, 3) : [best.ref];
    // Related: the rest of the matched entries' refs (the strong ones), or the close BM25 runners-up of a confident answer.
    const candidates = fromEntry
      ? matches.filter((m) => m.strength >= RELATED_SHARE * top.strength).flatMap((m) => m.e.refs)
      : confident ? ranked.slice(1, 6).filter((r) => r.total >= RELATED_SHARE * best.total).map((r) => r.ref) : [];
    const related = [...new Set(candidates)].filter((r) => !quoted.includes(r)).slice(0, 3);
    if (fromEntry) {
      return { confidence: 'high', refs, quoted, related, answer: top.e.answer, notes: top.e.notes, entry: { source: top.e.source, id: top.e.id }, onTopic: true };
    }
    return { confidence: confident ? 'high' : 'low', refs, quoted, related, notes: [], onTopic: true };
  }
}
