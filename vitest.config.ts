/**
 * Why: one vitest setup for the whole suite, run twice: the `sqlite` project (the embedded default) and the `postgres`
 * project (BOT_TEST_DB=postgres: every test that opens the bot's database does it on a fresh schema of the local
 * PostgreSQL, 127.0.0.1:5432, database `test`). Serial files where they share ports and processes.
 */
import { defineConfig } from 'vitest/config';

/** Tests that only exist for PostgreSQL (several instances on one database). */
// (They open PostgreSQL themselves, whatever the project.)
const PG_ONLY = ['test/store/pg.test.ts', 'test/faults/failover.test.ts', 'test/pipeline/instances.test.ts', 'test/store/atomic-race.test.ts'];

/**
 * Not run again in the postgres project, each for a written reason. Files that never open the bot's database prove
 * nothing more on a second run; the rest are about SQLite itself.
 */
const NOT_ON_PG = [
  // Pure functions and DB-free units (rules, cards, parsers, the fake Feishu's own checks): no database involved.
  'test/domain/**',
  'test/rules/**',
  'test/cards/reminders.test.ts',
  'test/cards/welcome.test.ts',
  'test/commands/inspection-shared.test.ts',
  'test/config.test.ts',
  'test/pipeline/events.test.ts',
  'test/pipeline/queue.test.ts',
  'test/receive/verify.test.ts',
  'test/repo.test.ts',
  'test/send/backlog.test.ts',
  'test/send/lanes.test.ts',
  'test/surfaces/policy.test.ts',
  'test/store/schemas.test.ts',
  'test/sandbox/fake/**',
  // The sandbox always runs on its own SQLite file (data/sandbox.db), whatever DATABASE_URL says: SQLite by design.
  'test/sandbox/web/**',
  'test/sandbox/browser.test.ts',
  // The SQLite migration runner, WAL and file checks (test/store/pg.test.ts is PostgreSQL's counterpart).
  'test/store/db.test.ts',
  // The threaded mode (src/worker/) is SQLite's: on PostgreSQL main.ts runs one thread, which the rest of this project runs.
  'test/worker/**',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'sqlite', exclude: [...PG_ONLY, '**/node_modules/**'] } },
      {
        extends: true,
        test: { name: 'postgres', env: { BOT_TEST_DB: 'postgres' }, globalSetup: ['test/helpers/pg-setup.ts'], exclude: [...NOT_ON_PG, '**/node_modules/**'] },
      },
    ],
  },
});
