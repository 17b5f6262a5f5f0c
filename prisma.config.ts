/**
 * Why: lets the Prisma CLI (generate, migrate, diff, push) run through the wasm engine and a driver adapter, offline, for
 * either database: SQLite (prisma/schema.prisma) by default, PostgreSQL (prisma/postgres/) when DATABASE_URL is a
 * postgresql:// URL or PRISMA_DIALECT=postgres (how `npm run prisma:generate` builds the second client).
 */
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';

const isPg = (u: string | undefined) => !!u && /^postgres(ql)?:\/\//.test(u);
const dialect = process.env.PRISMA_DIALECT ?? (isPg(process.env.DATABASE_URL) ? 'postgres' : 'sqlite');

// schema.prisma reads env("DATABASE_URL"). Without a URL of the schema's own kind, `prisma generate` (our postinstall)
// falls back to fetching a native engine from the internet, which an air-gapped install cannot reach; so a default of
// the right kind is set here (generate never connects).
if (dialect === 'postgres') {
  if (!isPg(process.env.DATABASE_URL)) process.env.DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
} else if (isPg(process.env.DATABASE_URL) || !process.env.DATABASE_URL) process.env.DATABASE_URL = 'file:./data/bot.db';
const url = process.env.DATABASE_URL as string;

export default dialect === 'postgres'
  ? defineConfig({
      experimental: { adapter: true },
      schema: 'prisma/postgres/schema.prisma',
      migrations: { path: 'prisma/postgres/migrations' },
      engine: 'js',
      async adapter() {
        const u = new URL(url);
        const schema = u.searchParams.get('schema') ?? 'public';
        u.searchParams.delete('schema');
        return new PrismaPg({ connectionString: u.toString() }, { schema });
      },
    })
  : defineConfig({
      experimental: { adapter: true },
      schema: 'prisma/schema.prisma',
      migrations: { path: 'prisma/migrations' },
      engine: 'js',
      async adapter() {
        return new PrismaBetterSQLite3({ url });
      },
    });
