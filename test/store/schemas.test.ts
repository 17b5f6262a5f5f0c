/** Why: the PostgreSQL schema is derived from the SQLite one (prisma/pg-schema.ts); this keeps the committed copy current. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PG_SCHEMA, pgSchemaFrom, SQLITE_SCHEMA } from '../../prisma/pg-schema.ts';

describe('prisma/postgres/schema.prisma', () => {
  it('is exactly what prisma/pg-schema.ts derives from prisma/schema.prisma (run `npm run prisma:pg-schema`)', () => {
    expect(readFileSync(PG_SCHEMA, 'utf8')).toBe(pgSchemaFrom(readFileSync(SQLITE_SCHEMA, 'utf8')));
  });

  it('differs only in the provider, the client folder and the header', () => {
    const pgText = pgSchemaFrom('generator client {\n  output     = "../src/generated/prisma"\n}\ndatasource db {\n  provider = "sqlite"\n}\nmodel A { id Int @id }\n');
    expect(pgText).toContain('provider = "postgresql"');
    expect(pgText).toContain('output     = "../../src/generated/prisma-pg"');
    expect(pgText).toContain('model A { id Int @id }');
    expect(() => pgSchemaFrom('datasource db {\n  provider = "mysql"\n}\n')).toThrow(/sqlite datasource provider/);
  });

  it('every model of the schema has its table in the PostgreSQL migrations (a new model needs a PostgreSQL migration too)', () => {
    const models = [...readFileSync(SQLITE_SCHEMA, 'utf8').matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!);
    const dir = new URL('../../prisma/postgres/migrations/', import.meta.url);
    const sql = readdirSync(dir).filter((d) => !d.endsWith('.toml')).map((d) => readFileSync(new URL(`${d}/migration.sql`, dir), 'utf8')).join('\n');
    for (const m of models) expect(sql, m).toContain(`CREATE TABLE "${m}"`);
  });
});
