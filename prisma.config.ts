/** Why: lets the Prisma CLI (migrate, diff, push) run through the wasm engine and the better-sqlite3 adapter, offline. */
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

const url = process.env.DATABASE_URL ?? 'file:./data/bot.db';

export default defineConfig({
  experimental: { adapter: true },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  engine: 'js',
  async adapter() {
    return new PrismaBetterSQLite3({ url });
  },
});
