/** Why: every word a user sees lives in prompts/zh-CN as data; this loads it once and fills {placeholders}. */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const PROMPTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../prompts/zh-CN');

export class PromptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptError';
  }
}

/** Reads and parses one YAML file from prompts/zh-CN, naming the file in any error. */
export function readPromptFile(name: string, dir = PROMPTS_DIR): unknown {
  const path = join(dir, name);
  if (!existsSync(path)) throw new PromptError(`${path} is missing. Restore it from the repository; the bot's wording lives there.`);
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PromptError(`${path} is not valid YAML: ${(err as Error).message}`);
  }
}

export type Vars = Record<string, string | number>;

export class Messages {
  constructor(private readonly table: Record<string, string>, private readonly file = 'messages/*.yaml') {}

  has(key: string): boolean {
    return typeof this.table[key] === 'string';
  }

  /** The text for `key` with {name} placeholders filled. A missing key or variable is a bug: it throws, naming both. */
  t(key: string, vars: Vars = {}): string {
    const tpl = this.table[key];
    if (typeof tpl !== 'string') throw new PromptError(`prompts/zh-CN/${this.file}: no text for key "${key}". Add it to the file.`);
    return tpl.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new PromptError(`prompts/zh-CN/${this.file}: "${key}" needs {${name}}, which the caller did not give.`);
      return String(v);
    });
  }

  keys(): string[] {
    return Object.keys(this.table);
  }
}

function flatten(obj: unknown, prefix: string, out: Record<string, string>, file: string): void {
  if (typeof obj === 'string') {
    out[prefix] = obj.replace(/\n$/, '');
    return;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new PromptError(`prompts/zh-CN/${file}: "${prefix}" must be text or a group of texts`);
  for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out, file);
}

/**
 * Loads every prompts/zh-CN/messages/*.yaml (one file per feature, so features never edit each other's wording).
 * A key defined in two files is an error naming both.
 */
export function loadMessages(dir = PROMPTS_DIR): Messages {
  const table: Record<string, string> = {};
  const from: Record<string, string> = {};
  const files = readdirSync(join(dir, 'messages')).filter((f) => f.endsWith('.yaml')).sort();
  for (const file of files) {
    const part: Record<string, string> = {};
    flatten(readPromptFile(join('messages', file), dir), '', part, `messages/${file}`);
    for (const [k, v] of Object.entries(part)) {
      if (k in table) throw new PromptError(`prompts/zh-CN/messages/${file}: key "${k}" is already defined in messages/${from[k]}. Rename one of them.`);
      table[k] = v;
      from[k] = file;
    }
  }
  return new Messages(table);
}
