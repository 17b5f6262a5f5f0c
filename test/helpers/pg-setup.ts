/**
 * Why: vitest global setup for the postgres project: names this run (its test schemas share the prefix t_<run>_) and
 * drops every schema of the run when it ends, so the shared `test` database does not fill up with them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export default function setup(): () => Promise<void> {
  const run = randomBytes(3).toString('hex');
  process.env.BOT_TEST_RUN = run;
  return async () => {
    const c = new pg.Client({ connectionString: process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' });
    c.on('error', () => undefined);
    try {
      await c.connect();
      const rows = (await c.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1`, [`t\\_${run}\\_%`])).rows;
      for (const r of rows) await c.query(`DROP SCHEMA IF EXISTS "${r.n}" CASCADE`);
    } catch {
      // the server is gone: nothing to clean
    } finally {
      await c.end().catch(() => undefined);
    }
  };
}
