/** Why: opens the SQLite database (WAL), applies committed migrations offline at start, and hands out the Prisma client. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { applyMigrations, sqlitePath } from './migrate.ts';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient, type Prisma } from '../generated/prisma/client.ts';
import { isPostgresUrl, openPgDatabase } from './pg.ts';

export type { PrismaClient };
/** The client a Prisma interactive transaction hands its callback: every write through it commits or rolls back together. */
export type Tx = Prisma.TransactionClient;
/** Either the client or a transaction's client (read helpers take both). */
export type Db = PrismaClient | Tx;

export { sqlitePath, applyMigrations, DatabaseError } from './migrate.ts';

export type Dialect = 'sqlite' | 'postgres';
const dialects = new WeakMap<object, Dialect>();

/** Which database a client opened by openDatabase talks to (raw SQL differs: placeholders, quoting). */
export function dialectOf(prisma: Db): Dialect {
  return dialects.get(prisma) ?? 'sqlite';
}

export const dialectOfUrl = (databaseUrl: string): Dialect => (isPostgresUrl(databaseUrl) ? 'postgres' : 'sqlite');

/** Migrates, then returns a connected Prisma client: SQLite for `file:` URLs, PostgreSQL for `postgresql://` ones. */
export async function openDatabase(databaseUrl: string): Promise<PrismaClient> {
  if (isPostgresUrl(databaseUrl)) {
    const client = await openPgDatabase(databaseUrl);
    dialects.set(client, 'postgres');
    return client;
  }
  applyMigrations(databaseUrl);
  const adapter = new PrismaBetterSQLite3({ url: sqlitePath(databaseUrl), timeout: 5000 });
  const prisma = new PrismaClient({ adapter });
  await prisma.$connect();
  return prisma;
}

export async function databaseHealth(prisma: PrismaClient): Promise<{ ok: boolean; journalMode?: string; error?: string }> {
  try {
    if (dialectOf(prisma) === 'postgres') {
      await prisma.$queryRawUnsafe('SELECT 1 AS ok');
      return { ok: true };
    }
    const rows = await prisma.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
    return { ok: true, journalMode: rows[0]?.journal_mode };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** The file's identity when the bot opened it (its inode), to tell later whether it was replaced. */
export function sqliteFileIdentity(databaseUrl: string): { path: string; ino: number | null } {
  const path = sqlitePath(databaseUrl);
  if (path === ':memory:') return { path, ino: null };
  try {
    return { path, ino: statSync(path).ino };
  } catch {
    return { path, ino: null };
  }
}

/**
 * What is wrong with the SQLite file under the open connection, if anything. An open connection keeps working from its
 * cache and the WAL after the file is deleted, replaced or truncated, so only the file itself tells: the next restart
 * would find the data gone.
 */
export function sqliteFileProblem(identity: { path: string; ino: number | null }): string | null {
  const { path } = identity;
  if (path === ':memory:') return null;
  let st;
  try {
    st = statSync(path);
  } catch {
    return `the database file ${path} is gone (deleted or moved); restore it from backup and restart the bot`;
  }
  if (identity.ino !== null && st.ino !== identity.ino) return `the database file ${path} was replaced by another file while the bot ran; restart the bot`;
  if (st.size < 100) return `the database file ${path} is truncated (${st.size} bytes); restore it from backup and restart the bot`;
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_MAGIC) return `the database file ${path} no longer starts with a SQLite header (overwritten); restore it from backup`;
  return null;
}
