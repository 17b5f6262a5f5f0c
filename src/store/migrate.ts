/**
 * Why: migrations and the SQLite path without Prisma, so the threaded mode's main thread (src/worker/) can migrate and
 * open the hot store without loading Prisma's client.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../prisma/migrations');

export class DatabaseError extends Error {
  constructor(message: string, readonly hint: string) {
    super(`${message}\nHow to fix: ${hint}`);
    this.name = 'DatabaseError';
  }
}

/** `file:./data/bot.db` → an absolute path (relative to the working directory, as Prisma does for the CLI config). */
export function sqlitePath(databaseUrl: string): string {
  const p = databaseUrl.replace(/^file:/, '').replace(/\?.*$/, '');
  return p === ':memory:' ? p : resolve(p);
}

/**
 * The committed migrations in `dir` that `done` does not list, in name order, each with its SQL and the checksum
 * `prisma migrate deploy` records (sha256 of migration.sql). Both runners (SQLite here, PostgreSQL in pg.ts) use it.
 */
export function pendingMigrations(dir: string, done: ReadonlySet<string>): Array<{ name: string; sql: string; checksum: string }> {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !done.has(d.name) && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies prisma/migrations/* in order, recording them in `_prisma_migrations` exactly as `prisma migrate deploy` does
 * (same table, sha256 checksum of migration.sql), so the CLI and this runner agree on what is applied.
 */
export function applyMigrations(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): string[] {
  const path = sqlitePath(databaseUrl);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(migrationsDir)) {
    throw new DatabaseError(`No migrations folder at ${migrationsDir}`, 'run the bot from a full checkout (prisma/migrations is committed)');
  }
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
      "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const done = new Set(
      (db.prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL').all() as { migration_name: string }[]).map(
        (r) => r.migration_name,
      ),
    );
    const applied: string[] = [];
    for (const { name, sql, checksum } of pendingMigrations(migrationsDir, done)) {
      const run = db.transaction(() => {
        db.exec(sql);
        db.prepare(
          'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)',
        ).run(randomUUID(), checksum, Date.now(), name, Date.now());
      });
      try {
        run();
      } catch (err) {
        throw new DatabaseError(`Migration ${name} failed: ${(err as Error).message}`, 'restore the database from backup or fix the migration SQL; nothing of this migration was applied');
      }
      applied.push(name);
    }
    return applied;
  } finally {
    db.close();
  }
}

