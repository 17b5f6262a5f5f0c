/**
 * Why: the threaded mode's main thread must stay light (idle RSS, start time, nothing to starve an ack): it may load
 * only better-sqlite3, pino, zod and node's own modules, never Prisma, the SDK, express or the YAML prompts.
 */
// Walks the static (non-type) imports from src/main.ts and src/worker/run.ts; dynamic import() is how the other modes
// and the worker load the rest, so it is not followed.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const STATIC_IMPORT = /^(?:import|export)\s+(?!type\b)(?:[^'";]*?from\s+)?['"]([^'"]+)['"]/gm;

function staticImports(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) walk(normalize(join(dirname(file), spec)));
      else packages.add(spec);
    }
  };
  for (const e of entries) walk(e);
  return { files, packages };
}

describe('the main thread in threaded mode', () => {
  it('statically imports nothing heavy: no Prisma, SDK, express or YAML', () => {
    const { files, packages } = staticImports(['src/main.ts', 'src/worker/run.ts']);
    expect(files.has('src/worker/edge-server.ts')).toBe(true);
    const outside = [...packages].filter((p) => !p.startsWith('node:')).sort();
    expect(outside).toEqual(['better-sqlite3', 'pino', 'zod']);
    expect([...files].filter((f) => /store\/db\.ts|app\.ts|send\/|prompts\//.test(f))).toEqual([]);
  });
});
