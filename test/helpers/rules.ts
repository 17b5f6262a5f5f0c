/** Why: reading rules answer cards in tests: every text shown, and the exact quotes (plain-text blocks) to check against the source. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES_DIR } from '../../src/rules/corpus.ts';
import type { FakeMessage } from '../../src/sandbox/fake/index.ts';
import { textOf } from './chat.ts';

/** The 管理办法 text every quote must come from. */
export const SOURCE = readFileSync(join(RULES_DIR, 'source.txt'), 'utf8');

/** Every text a card shows (markdown and plain text), joined by newlines; a text message's text. */
export function cardText(m: FakeMessage | undefined): string {
  if (!m) return '';
  if (m.msg_type !== 'interactive') return textOf(m);
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if ((o.tag === 'markdown' || o.tag === 'plain_text') && typeof o.content === 'string') out.push(o.content);
    for (const v of Object.values(o)) walk(v);
  };
  walk(JSON.parse(m.content));
  return out.join('\n');
}

/** The quoted passages of a card: its plain-text blocks in normal size (the grey footer is smaller). */
export function quotes(m: FakeMessage | undefined): string[] {
  if (!m || m.msg_type !== 'interactive') return [];
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    const text = o.text as { tag?: string; content?: string; text_size?: string } | undefined;
    if (o.tag === 'div' && text?.tag === 'plain_text' && !text.text_size && typeof text.content === 'string') out.push(text.content);
    for (const v of Object.values(o)) walk(v);
  };
  walk(JSON.parse(m.content));
  return out;
}

/** Each quoted line is a line of the 管理办法, exactly. */
export function quotedLinesAreSource(m: FakeMessage | undefined): boolean {
  const lines = quotes(m).flatMap((q) => q.split('\n'));
  return lines.length > 0 && lines.every((l) => SOURCE.split('\n').includes(l));
}
