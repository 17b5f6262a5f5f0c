/** Why: the committed rules data (prompts/zh-CN/rules/) as passages one can quote and cite: 第十一条, 第十一条第（一）项, 第十一条第二款. */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PROMPTS_DIR } from '../prompts/index.ts';
import { toChineseNumber, type ParsedRules } from './parse.ts';

export const RULES_DIR = join(PROMPTS_DIR, 'rules');
export const DATA_FILE = 'articles.json';
export const SOURCE_FILE = 'source.txt';

const item = z.object({ number: z.number().int().positive(), label: z.string(), text: z.string().min(1) });
const article = z.object({
  number: z.number().int().positive(),
  label: z.string(),
  chapter: z.number().int().positive(),
  lead: z.array(z.string().min(1)).min(1),
  items: z.array(item),
  after: z.array(z.string().min(1)),
});

/** The committed data file: the parsed articles and where they came from. */
export const rulesDataSchema = z.object({
  title: z.string().min(1),
  source: z.object({ file: z.string(), section: z.string(), sha256: z.string().length(64), sectionSha256: z.string().length(64) }),
  chapters: z.array(z.object({ number: z.number().int().positive(), heading: z.string(), title: z.string() })).min(1),
  articles: z.array(article).min(1),
});
export type RulesData = z.infer<typeof rulesDataSchema> & ParsedRules;

/** The rules data is missing, malformed or out of step with its source text; the message says how to rebuild it. */
export class RulesDataError extends Error {
  constructor(message: string) {
    super(`${message} Rebuild prompts/zh-CN/rules/ with \`npm run rules:build\` (it reads the 管理办法 from ../shared/source).`);
    this.name = 'RulesDataError';
  }
}

/** '11' (an article), '11.1' (its item (一)), '11.p2' (its second 款, after the items). */
export type RuleRef = string;

export interface Passage {
  ref: RuleRef;
  /** How the bot cites it: 第十一条, 第十一条第（一）项, 第十一条第二款. */
  label: string;
  article: number;
  kind: 'article' | 'item' | 'paragraph';
  /** The lines quoted for it, each exactly as in the source (an article: all its lines). */
  quote: string[];
  /** The text searched: the passage's own lines (an article with items: its opening paragraph). */
  text: string;
  /** The article's opening paragraph, searched with a lower weight for its items and later paragraphs. */
  context: string;
}

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export class Corpus {
  readonly passages: Passage[] = [];
  private readonly byRef = new Map<RuleRef, Passage>();

  constructor(readonly data: RulesData, readonly sourceText: string) {
    for (const a of data.articles) {
      const lead = a.lead.join('\n');
      // Citing 第七条 quotes all of it; its items are searched and cited on their own too.
      const whole = [...a.lead, ...a.items.map((i) => i.text), ...a.after];
      this.add({ ref: String(a.number), label: a.label, article: a.number, kind: 'article', quote: whole, text: lead, context: '' });
      for (const i of a.items) {
        this.add({ ref: `${a.number}.${i.number}`, label: `${a.label}第（${toChineseNumber(i.number)}）项`, article: a.number, kind: 'item', quote: [i.text], text: i.text, context: lead });
      }
      a.after.forEach((p, k) => {
        const n = k + 2; // the lead and its items are the first 款
        this.add({ ref: `${a.number}.p${n}`, label: `${a.label}第${toChineseNumber(n)}款`, article: a.number, kind: 'paragraph', quote: [p], text: p, context: lead });
      });
    }
    // Every quoted line is a whole line of the source text: nothing cut, nothing added.
    const lines = new Set(sourceText.split('\n').map((l) => l.trim()));
    for (const p of this.passages) {
      for (const line of p.quote) if (!lines.has(line)) throw new RulesDataError(`${p.label}: the line "${line.slice(0, 20)}…" is not a line of ${SOURCE_FILE}.`);
    }
  }

  private add(p: Passage): void {
    this.passages.push(p);
    this.byRef.set(p.ref, p);
  }

  get(ref: RuleRef): Passage | undefined {
    return this.byRef.get(ref);
  }

  has(ref: RuleRef): boolean {
    return this.byRef.has(ref);
  }

  /** 第十一条第（一）项 for '11.1'; throws for a ref the corpus does not hold (a bug in the caller or the table). */
  label(ref: RuleRef): string {
    const p = this.byRef.get(ref);
    if (!p) throw new RulesDataError(`No passage "${ref}" in the rules data.`);
    return p.label;
  }
}

/** Reads and checks prompts/zh-CN/rules/{articles.json,source.txt}: valid shape, the recorded hash, every line quoted present. */
export function loadCorpus(dir = RULES_DIR): Corpus {
  const dataPath = join(dir, DATA_FILE);
  const sourcePath = join(dir, SOURCE_FILE);
  for (const p of [dataPath, sourcePath]) if (!existsSync(p)) throw new RulesDataError(`${p} is missing.`);
  const sourceText = readFileSync(sourcePath, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(dataPath, 'utf8'));
  } catch (err) {
    throw new RulesDataError(`${dataPath} is not valid JSON: ${(err as Error).message}.`);
  }
  const parsed = rulesDataSchema.safeParse(raw);
  if (!parsed.success) throw new RulesDataError(`${dataPath}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  if (sha256(sourceText) !== parsed.data.source.sectionSha256) throw new RulesDataError(`${sourcePath} does not match the hash recorded in ${DATA_FILE}.`);
  return new Corpus(parsed.data, sourceText);
}
