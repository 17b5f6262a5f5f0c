/** Why: a half-resolved merge once left conflict markers in .env.example; this keeps any tracked text file from carrying them. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const tracked = (): string[] =>
  execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !/\.(png|jpe?g|gif|ico|xlsx|db|sqlite)$/.test(f) && f !== 'package-lock.json');

/** Lines that open, split or close a conflict block, as git writes them. */
export function conflictLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^(<{7} |>{7} |={7}$)/.test(line)) out.push(i + 1);
  });
  return out;
}

describe('the repository', () => {
  it('finds a conflict block when one is there', () => {
    expect(conflictLines('a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> x\n')).toEqual([2, 4, 6]);
    expect(conflictLines('a = 1\n====== not a marker\n')).toEqual([]);
  });

  it('holds no merge-conflict markers in any tracked file', () => {
    const hits = tracked().flatMap((f) => conflictLines(readFileSync(new URL(f, root), 'utf8')).map((n) => `${f}:${n}`));
    expect(hits).toEqual([]);
  });
});
