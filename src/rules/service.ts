/** Why: the rules Q&A as one service: the corpus and table loaded and indexed at start, the secretariat's rows kept fresh, the store. */
import type { PrismaClient } from '../store/db.ts';
import { loadCorpus, RULES_DIR, type Corpus } from './corpus.ts';
import { loadTable, type Table, type TableEntry } from './table.ts';
import { RulesIndex, type RulesResult } from './search.ts';
import { asEntry, RuleStore } from './store.ts';
import { PROMPTS_DIR } from '../prompts/index.ts';

export interface RulesSource {
  corpus: Corpus;
  table: Table;
  index: RulesIndex;
  /** How long loading, checking and indexing took, ms (the bench reports it). */
  buildMs: number;
}

/** Loads prompts/zh-CN/rules/ (articles, source text, table), checks it, and builds the index. Throws typed errors naming the file. */
export function buildRulesSource(dirs: { rules?: string; prompts?: string } = {}): RulesSource {
  const t0 = performance.now();
  const corpus = loadCorpus(dirs.rules ?? RULES_DIR);
  const table = loadTable(corpus, dirs.prompts ?? PROMPTS_DIR);
  const index = new RulesIndex(corpus, table);
  return { corpus, table, index, buildMs: performance.now() - t0 };
}

/**
 * Rows the secretariat added are re-read when their version changed; the version itself is checked at most this often
 * (ms), so another instance's new row is in use within this time. This instance's own changes apply at once.
 */
export const LEARNED_CHECK_MS = 5_000;

export class RulesService {
  readonly store: RuleStore;
  private learnedRows: TableEntry[] = [];
  private learnedVersion: string | null = null;
  private checkedAt = -Infinity;

  constructor(prisma: PrismaClient, private readonly now: () => Date, readonly source: RulesSource = buildRulesSource()) {
    this.store = new RuleStore(prisma, now, () => {
      this.checkedAt = -Infinity;
    });
  }

  get corpus(): Corpus {
    return this.source.corpus;
  }

  /** The secretariat's rows, re-read when this instance or another one added or removed one. */
  async learned(): Promise<TableEntry[]> {
    const t = this.now().getTime();
    if (t - this.checkedAt < LEARNED_CHECK_MS) return this.learnedRows;
    const v = await this.store.learnedVersion();
    if (v !== this.learnedVersion) {
      this.learnedRows = (await this.store.learned()).filter((l) => this.corpus.has(l.ref)).map(asEntry);
      this.learnedVersion = v;
    }
    this.checkedAt = t;
    return this.learnedRows;
  }

  /** Answers a question from the 管理办法, the curated table and the secretariat's rows. */
  async ask(question: string): Promise<RulesResult> {
    return this.source.index.search(question, await this.learned());
  }
}
