/** Why: lets the Prisma CLI (migrate, diff, push) run through the wasm engine and the better-sqlite3 adapter, offline. */
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

// schema.prisma reads env("DATABASE_URL"). Without it, `prisma generate` (our postinstall) falls back to fetching a
// native engine from the internet, which an air-gapped install cannot reach; so the default is set here too.
process.env.DATABASE_URL ??= 'file:./data/bot.db';
const url = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  engine: 'js',
  async adapter() {
    return new PrismaBetterSQLite3({ url });
  },
});
