/** Why: the curated synonyms and scope notes (prompts/zh-CN/rules/table.yaml) and the secretariat's added answers, matched against a question. */
import { z } from 'zod';
import { readPromptFile, PROMPTS_DIR } from '../prompts/index.ts';
import type { Corpus, RuleRef } from './corpus.ts';
import { normalize, similarity, type Lexicon } from './text.ts';

export const TABLE_FILE = 'rules/table.yaml';

const phrase = z.string().trim().min(1);
const entry = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'ids are lower-case words joined by "-"'),
  /** Any one of these in the question; "百佳+区别" needs both parts. */
  when: z.array(phrase).min(1),
  refs: z.array(z.string()).min(1),
  /** Added to the match's length, for a specific entry that must win over a longer, general phrase (搬迁 over 开业时间). */
  priority: z.number().int().min(0).max(10).default(0),
  /** A one-line plain answer; only where the 管理办法 gives one without doubt. */
  answer: z.string().trim().min(1).optional(),
  /** Further lines shown under the quote, e.g. the 民法典 article that reads "以上". */
  notes: z.array(z.string().trim().min(1)).default([]),
});

export const tableSchema = z.object({
  version: z.literal(1),
  dictionary: z.array(phrase).default([]),
  topic: z.array(phrase).default([]),
  aliases: z.record(z.string(), z.union([phrase, z.array(phrase)])).default({}),
  entries: z.array(entry).min(1),
});
export type TableFile = z.infer<typeof tableSchema>;

/** One row the matcher knows: curated (from the file) or learned (the secretariat added it, stored in the database). */
export interface TableEntry {
  source: 'table' | 'learned';
  id: string;
  /** Alternatives; each is a list of parts that must all be in the question (normalized). */
  when: string[][];
  /** Questions this row answers, matched by similarity (learned rows: the question the secretariat answered). */
  examples: string[];
  refs: RuleRef[];
  answer?: string;
  notes: string[];
  /** Added to a match's strength (see the file's priority field). */
  priority?: number;
}

/** The table names a passage the corpus lacks, or is malformed; the message names the file and the entry. */
export class RulesTableError extends Error {
  constructor(message: string) {
    super(`prompts/zh-CN/${TABLE_FILE}: ${message}`);
    this.name = 'RulesTableError';
  }
}

export interface Table {
  lexicon: Lexicon;
  entries: TableEntry[];
  /** Words that make a question about the selection, even when the 管理办法 has nothing on it (then: "nothing found", and the secretariat). */
  topic: string[];
}

/** Checks the file against the corpus (every ref must exist) and normalizes its phrases. */
export function buildTable(raw: unknown, corpus: Corpus): Table {
  const parsed = tableSchema.safeParse(raw);
  if (!parsed.success) throw new RulesTableError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const f = parsed.data;
  const seen = new Set<string>();
  const entries = f.entries.map((e): TableEntry => {
    if (seen.has(e.id)) throw new RulesTableError(`entry id "${e.id}" is used twice; give each entry its own id.`);
    seen.add(e.id);
    for (const r of e.refs) if (!corpus.has(r)) throw new RulesTableError(`entry "${e.id}" cites "${r}", which is not a passage of the 管理办法 (write '11', '11.1' or '11.p2').`);
    return { source: 'table', id: e.id, when: e.when.map(parts), examples: [], refs: e.refs, answer: e.answer, notes: e.notes, priority: e.priority };
  });
  const aliases = Object.entries(f.aliases).flatMap(([to, from]) => (Array.isArray(from) ? from : [from]).map((w) => [normalize(w), normalize(to)] as const));
  return { lexicon: { dictionary: [...new Set(f.dictionary.map(normalize))], aliases }, entries, topic: [...new Set(f.topic.map(normalize))] };
}

export function loadTable(corpus: Corpus, dir = PROMPTS_DIR): Table {
  return buildTable(readPromptFile(TABLE_FILE, dir), corpus);
}

/** "百佳+区别" → ['百佳', '区别'], normalized. */
export function parts(when: string): string[] {
  return when.split('+').map((p) => normalize(p.trim())).filter(Boolean);
}

/** How strongly an entry matches a question: the characters of its best alternative found (0 for no match). */
export function entryStrength(e: TableEntry, normalizedQuestion: string): number {
  let best = 0;
  for (const alt of e.when) {
    if (alt.every((p) => normalizedQuestion.includes(p))) best = Math.max(best, alt.reduce((n, p) => n + Array.from(p).length, 0));
  }
  for (const ex of e.examples) {
    const s = similarity(ex, normalizedQuestion);
    if (s >= LEARNED_SIMILARITY) best = Math.max(best, Math.round(s * 12));
  }
  return best && best + (e.priority ?? 0);
}

/** A question this close (see similarity) to one the secretariat answered gets that answer. */
export const LEARNED_SIMILARITY = 0.6;
