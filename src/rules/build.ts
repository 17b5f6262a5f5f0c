/** Why: `npm run rules:build` regenerates prompts/zh-CN/rules/{source.txt,articles.json} from the shared 管理办法 source. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractSection, parseRules, RulesParseError } from './parse.ts';
import { DATA_FILE, RULES_DIR, SOURCE_FILE, sha256, type RulesData } from './corpus.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Only 篇1 is the 管理办法; the other 篇 are essays by winning units, not rules. */
export const SECTION = '篇1';

/** Where the shared source lives: RULES_SOURCE_DIR, else ../shared/source beside the repo (or beside its worktree folder). */
export function sourceDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const c = [resolve(REPO, '../shared/source'), resolve(REPO, '../../shared/source')];
  return env.RULES_SOURCE_DIR ? [resolve(env.RULES_SOURCE_DIR)] : c;
}

/** The source file holding the 管理办法 (the .txt in the folder whose text has a "… 篇1" heading), or null. */
export function findSourceFile(dirs = sourceDirCandidates()): string | null {
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((x) => x.endsWith('.txt')).sort()) {
      const path = join(d, f);
      if (/\s篇1\s*$/m.test(readFileSync(path, 'utf8'))) return path;
    }
  }
  return null;
}

/** Parses a source file's text into the data file's content and the section's exact text. */
export function buildRulesData(sourceText: string, fileName: string): { data: RulesData; sectionText: string } {
  const { title, text } = extractSection(sourceText, SECTION);
  const parsed = parseRules(title, text);
  const data: RulesData = { title, source: { file: fileName, section: SECTION, sha256: sha256(sourceText), sectionSha256: sha256(text) }, chapters: parsed.chapters, articles: parsed.articles };
  return { data, sectionText: text };
}

/** The data file's exact bytes (stable, so the test can compare them with what is committed). */
export function serialize(data: RulesData): string {
  return JSON.stringify(data, null, 2) + '\n';
}

function main(): void {
  const file = findSourceFile(process.argv[2] ? [resolve(process.argv[2])] : sourceDirCandidates());
  if (!file) {
    console.error(`No 管理办法 source found in ${sourceDirCandidates().join(' or ')}. Pass its folder: npm run rules:build -- <folder>, or set RULES_SOURCE_DIR.`);
    process.exit(2);
  }
  try {
    const { data, sectionText } = buildRulesData(readFileSync(file, 'utf8'), basename(file));
    writeFileSync(join(RULES_DIR, SOURCE_FILE), sectionText);
    writeFileSync(join(RULES_DIR, DATA_FILE), serialize(data));
    const items = data.articles.reduce((n, a) => n + a.items.length, 0);
    console.log(`${file}: ${data.chapters.length} chapters, ${data.articles.length} articles, ${items} items → ${join(RULES_DIR, DATA_FILE)}`);
  } catch (err) {
    if (err instanceof RulesParseError) {
      console.error(`${file}: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
