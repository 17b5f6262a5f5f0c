/**
 * Why: one switch for the database the suite runs on. The vitest `sqlite` project uses a fresh SQLite file per test;
 * the `postgres` project (BOT_TEST_DB=postgres) a fresh schema of the local PostgreSQL (127.0.0.1:5432, database
 * `test`, trust auth; TEST_PG_URL overrides), dropped when the test closes it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { pgTarget } from '../../src/store/pg.ts';

export const TEST_PG = process.env.BOT_TEST_DB === 'postgres';
export const TEST_PG_BASE = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** This run's schemas share a prefix, so test/helpers/pg-setup.ts drops them all when the run ends. */
export const TEST_RUN = process.env.BOT_TEST_RUN ?? 'x';

/** A PostgreSQL URL on a schema no other test uses. */
export function freshPgUrl(): string {
  return `${TEST_PG_BASE}?schema=t_${TEST_RUN}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A fresh database for one test: `dir/bot.db` on SQLite, a new schema on PostgreSQL. */
export function freshDbUrl(dir: string, file = 'bot.db'): string {
  return TEST_PG ? freshPgUrl() : `file:${join(dir, file)}`;
}

/**
 * Schemas of this test file that a finished test handed back, emptied. Migrating a new schema costs ~0.5 s; emptying
 * one (TRUNCATE … RESTART IDENTITY) a third of that, and leaves it as a fresh one: same tables, ids from 1.
 */
const spare: string[] = [];

/** An empty, migrated schema of this file if one is spare, else a new one (migrated when the bot opens it). */
export function takePgUrl(): string {
  return spare.pop() ?? freshPgUrl();
}

/** Empties a test's schema and keeps it for the file's next test (the run's teardown drops it). */
export async function giveBackPgUrl(url: string): Promise<void> {
  const t = pgTarget(url);
  const c = new pg.Client({ connectionString: t.connectionString });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const tables = (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`, [t.schema])).rows;
    if (tables.length) await c.query(`TRUNCATE ${tables.map((r) => `"${t.schema}"."${r.t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    spare.push(url);
  } catch {
    // not reused: the run's teardown drops it
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Drops a test's PostgreSQL schema (no-op for SQLite URLs). */
export async function dropTestSchema(url: string): Promise<void> {
  if (!/^postgres(ql)?:/.test(url)) return;
  const t = pgTarget(url);
  if (!t.schema.startsWith('t_')) return;
  const c = new pg.Client({ connectionString: t.connectionString });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${t.schema}" CASCADE`);
  } catch {
    // a schema left behind is harmless: the next run uses new names
  } finally {
    await c.end().catch(() => undefined);
  }
}
