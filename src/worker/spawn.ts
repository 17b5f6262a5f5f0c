/** Why: starting the worker thread the same way from the compiled build (plain node) and from source (tsx: dev, tests). */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { WorkerData } from './protocol.ts';

/** The default entry: the TypeScript source under tsx (dev, tests), or the compiled file under `node dist/main.js`. */
export function defaultEntry(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './entry.ts' : './entry.js', import.meta.url);
}

/** Starts a worker on `entry`; a .ts entry is loaded through tsx's tsImport (the source, no build needed). */
export function spawnWorker(entry: URL, workerData: WorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  // tsx's ESM build of its API (require.resolve finds the CommonJS one beside it).
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)})).catch((err) => { console.error(err); process.exit(1); });`;
  return new Worker(code, { eval: true, workerData });
}

