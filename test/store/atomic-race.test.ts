/**
 * Why: on PostgreSQL a state change's fresh check must stay true until it commits, across instances, as SQLite's single
 * writer guarantees: every interactive transaction takes one shared advisory lock (src/store/pg.ts). Two clients (two
 * instances) race the same check-then-write; exactly one writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type PrismaClient } from '../../src/store/db.ts';
import { dropTestSchema, freshPgUrl } from '../helpers/db.ts';

const url = freshPgUrl();
let a: PrismaClient;
let b: PrismaClient;

beforeAll(async () => {
  a = await openDatabase(url);
  b = await openDatabase(url);
});

afterAll(async () => {
  await a?.$disconnect();
  await b?.$disconnect();
  await dropTestSchema(url);
});

describe('state changes on PostgreSQL across instances', () => {
  it('twenty check-then-write transactions from two clients at once: exactly one writes', async () => {
    const at = new Date('2026-03-02T02:00:00Z');
    const attempt = (p: PrismaClient, i: number) =>
      p.$transaction(async (tx) => {
        const taken = await tx.auditLog.count({ where: { action: 'race.claim' } });
        await new Promise((r) => setTimeout(r, 5)); // widen the window between the check and the write
        if (taken) return false;
        await tx.auditLog.create({ data: { actorId: `ou_${i}`, action: 'race.claim', target: 'x', before: 'null', after: 'null', at } });
        return true;
      });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(i % 2 ? a : b, i)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.auditLog.count({ where: { action: 'race.claim' } })).toBe(1);
  });

  it('strips NUL from stored text (PostgreSQL text cannot hold it) instead of failing the write', async () => {
    const row = await a.auditLog.create({ data: { actorId: 'ou_\0nul', action: 'nul.test', target: 'a\0b', before: 'null', after: 'null', at: new Date() } });
    expect(row.target).toBe('ab');
  });
});
