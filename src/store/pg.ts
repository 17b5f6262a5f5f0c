/**
 * Why: PostgreSQL mode (several instances on one database): parses `postgresql://…?schema=NAME`, applies the committed
 * PostgreSQL migrations at start under an advisory lock (so two instances starting together never race), and opens
 * the Prisma client through @prisma/adapter-pg with every interactive transaction serialized like SQLite's.
 */
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PgPrismaClient } from '../generated/prisma-pg/client.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { DatabaseError, pendingMigrations } from './migrate.ts';

export const PG_MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../prisma/postgres/migrations');

/** The migration lock's key: one for the whole database, since it is taken before the schema exists. */
export const MIGRATE_LOCK = 7_170_001;

/**
 * Advisory locks are per database, so every other lock's key is the schema's name with the lock's: two bots (or two
 * test files) in two schemas of one database never share a primary or a state-change lock. Use as
 * `pg_advisory_lock(hashtextextended($1, 0))` with this text.
 */
export const lockName = (schema: string, what: 'atomic' | 'primary' | 'scheduler'): string => `bot:${schema}:${what}`;

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

export interface PgTarget {
  /** The URL without `schema`, for node-postgres. */
  connectionString: string;
  schema: string;
}

export function pgTarget(url: string): PgTarget {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'public';
  u.searchParams.delete('schema');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`DATABASE_URL: the schema "${schema}" must be letters, digits and _ (at most 63), starting with a letter or _`);
  }
  return { connectionString: u.toString(), schema };
}

/** Pool settings that put every connection in the bot's schema. */
export function pgPoolConfig(t: PgTarget, max = 10): pg.PoolConfig {
  return { connectionString: t.connectionString, max, options: `-c search_path="${t.schema}"` };
}

/** Removes NUL characters, which PostgreSQL text cannot hold (SQLite can): a hostile payload must not fail its insert. */
export const stripNul = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '') : s);

/** `v` with NUL removed from every string in it (plain objects and arrays are walked; dates and the like kept). */
export function withoutNul(v: unknown): unknown {
  if (typeof v === 'string') return stripNul(v);
  if (Array.isArray(v)) return v.map(withoutNul);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNul(x)]));
  }
  return v;
}

/**
 * Applies prisma/postgres/migrations/* in order, recording them in the schema's `_prisma_migrations` as `prisma migrate
 * deploy` does. The advisory lock is taken BEFORE `CREATE SCHEMA IF NOT EXISTS`: two instances creating the same
 * schema at once would otherwise fail on the catalog's unique index.
 */
export async function applyPgMigrations(url: string, dir = PG_MIGRATIONS_DIR): Promise<string[]> {
  const t = pgTarget(url);
  const client = new pg.Client({ connectionString: t.connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${t.schema}"`);
    await client.query(`SET search_path TO "${t.schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = new Set(
      (await client.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL')).rows.map((r) => r.migration_name),
    );
    const applied: string[] = [];
    for (const { name, sql, checksum } of pendingMigrations(dir, done)) {
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, now(), 1)',
          [randomUUID(), checksum, name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new DatabaseError(`Migration ${name} failed: ${(err as Error).message}`, 'fix the migration SQL or restore the database; nothing of this migration was applied');
      }
      applied.push(name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/**
 * The Prisma client on PostgreSQL. Every interactive transaction first takes one shared transaction-level advisory
 * lock, so state changes run one at a time as they do on SQLite (a fresh check inside the transaction stays true until
 * it commits). Serializable isolation would do the same with retries, but adapter-pg leaked a connection on every
 * serialization failure at COMMIT.
 */
export async function openPgDatabase(url: string): Promise<PrismaClient> {
  await applyPgMigrations(url);
  const t = pgTarget(url);
  const atomicLock = lockName(t.schema, 'atomic');
  const adapter = new PrismaPg(pgPoolConfig(t, 10), { schema: t.schema });
  const base = new PgPrismaClient({ adapter });
  await base.$connect();
  // PostgreSQL text cannot hold NUL (SQLite can): every argument is cleaned, so a hostile text is stored, not refused.
  const client = base.$extends({
    query: {
      $allModels: {
        $allOperations({ args, query }) {
          return query(withoutNul(args) as typeof args);
        },
      },
    },
  }) as unknown as PgPrismaClient;
  const original = client.$transaction.bind(client) as (arg: unknown, opts?: unknown) => Promise<unknown>;
  const serialized = (arg: unknown, opts?: unknown): Promise<unknown> => {
    if (typeof arg !== 'function') return original(arg, opts);
    const fn = arg as (tx: unknown) => Promise<unknown>;
    return original(async (tx: { $queryRawUnsafe: (q: string, ...v: unknown[]) => Promise<unknown> }) => {
      await tx.$queryRawUnsafe('SELECT 1 AS ok FROM pg_advisory_xact_lock(hashtextextended($1, 0))', atomicLock);
      return fn(tx);
    }, opts);
  };
  Object.defineProperty(client, '$transaction', { value: serialized, configurable: true, writable: true });
  const disconnect = client.$disconnect.bind(client);
  Object.defineProperty(client, '$disconnect', { value: () => disconnect().then(() => base.$disconnect()), configurable: true, writable: true });
  return client as unknown as PrismaClient;
}
