/**
 * Why: PostgreSQL mode's building blocks against the real server: migrations applied once under the advisory lock even
 * when two instances start together, dedupe by unique keys, outbox claims that two senders never share, a new primary
 * adopting a dead one's claims, and the primary election itself.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { applyPgMigrations, pgTarget } from '../../src/store/pg.ts';
import { PgHotStore } from '../../src/store/hot-pg.ts';
import { PrimaryElection } from '../../src/store/primary.ts';
import { createLogger } from '../../src/log.ts';
import { dropTestSchema, freshPgUrl } from '../helpers/db.ts';

const urls: string[] = [];
const fresh = () => {
  const u = freshPgUrl();
  urls.push(u);
  return u;
};
afterAll(async () => {
  for (const u of urls) await dropTestSchema(u);
});

const outboxRow = (i: number, lane = 'bulk') => ({
  uuid: `u${i}`, dedupeKey: `k${i}`, op: 'create', msgType: 'text', content: JSON.stringify({ text: `m${i}` }),
  receiveIdType: 'chat_id', receiveId: `oc_${i}`, chatKey: `oc_${i}`, lane, createdAt: new Date('2026-03-02T02:00:00Z'),
});

describe('PostgreSQL migrations', () => {
  it('two instances starting together on a new schema: it is created once and each migration applied once', async () => {
    const url = fresh();
    const [x, y] = await Promise.all([applyPgMigrations(url), applyPgMigrations(url)]);
    expect([x.length, y.length].sort()).toEqual([0, 2]);
    expect(await applyPgMigrations(url)).toEqual([]);
    const c = new pg.Client({ connectionString: pgTarget(url).connectionString });
    await c.connect();
    const n = await c.query(`SELECT count(*)::int AS n FROM "${pgTarget(url).schema}"."_prisma_migrations"`);
    await c.end();
    expect(n.rows[0].n).toBe(2);
  });
});

describe('PgHotStore', () => {
  it('dedupes by event_id and by message_id, across stores (instances)', async () => {
    const url = fresh();
    await applyPgMigrations(url);
    const [a, b] = [new PgHotStore(url, 'a'), new PgHotStore(url, 'b')];
    try {
      const e = { eventId: 'ev1', eventType: 'im.message.receive_v1', chatId: 'oc_1', messageId: 'om_1', payload: '{"x":"a\u0000b"}', receivedAt: new Date(), queueKey: 'oc_1' };
      const results = await Promise.all([a.insertEvent(e), b.insertEvent(e)]);
      expect(results.sort()).toEqual([false, true]);
      expect(await b.insertEvent({ ...e, eventId: 'ev2' })).toBe(false); // the same message under a new event_id
      expect(await a.eventStatus('ev1')).toBe('received');
      await b.finishEvent('ev1', 'done', null, new Date());
      expect(await a.eventStatus('ev1')).toBe('done');
      expect(await a.eventStatus('ev2')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two senders claim disjoint outbox rows (FOR UPDATE SKIP LOCKED); a new primary adopts the claims of a dead one', async () => {
    const url = fresh();
    await applyPgMigrations(url);
    const [a, b] = [new PgHotStore(url, 'a'), new PgHotStore(url, 'b')];
    try {
      for (let i = 0; i < 50; i++) await a.insertOutbox(outboxRow(i));
      expect(await b.insertOutbox(outboxRow(3))).toMatchObject({ duplicate: true });
      const [ra, rb] = await Promise.all([a.pendingAfter('bulk', 0, 30), b.pendingAfter('bulk', 0, 30)]);
      const ids = [...ra, ...rb].map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(50);
      // Each row is handed out once: b already holds its own, and a's stay a's until b adopts them as the new primary.
      expect(await b.pendingAfter('bulk', 0, 100)).toHaveLength(0);
      expect(await b.adoptClaims()).toBe(ra.length);
      expect((await b.pendingAfter('bulk', 0, 100)).map((r) => r.id)).toEqual(ra.map((r) => r.id));
      // A row committed late with a smaller id than those loaded is still found (ids may commit out of order).
      const c = new pg.Client({ connectionString: pgTarget(url).connectionString });
      await c.connect();
      await c.query(`UPDATE "${pgTarget(url).schema}"."OutboxMessage" SET "claimedBy" = NULL WHERE "id" = $1`, [rb[0]!.id]);
      await c.end();
      expect((await b.pendingAfter('bulk', 10_000, 100)).map((r) => r.id)).toEqual([rb[0]!.id]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('runs one chat’s work one at a time across stores, handing over the chat’s older unfinished events first', async () => {
    const url = fresh();
    await applyPgMigrations(url);
    const [a, b] = [new PgHotStore(url, 'a'), new PgHotStore(url, 'b')];
    try {
      const at = new Date();
      for (const id of ['e1', 'e2', 'e3']) await a.insertEvent({ eventId: id, eventType: 'im.message.receive_v1', chatId: 'oc_1', messageId: `om_${id}`, payload: '{}', receivedAt: at, queueKey: 'oc_1' });
      const trace: string[] = [];
      const work = (s: PgHotStore, id: string) =>
        s.withChat('oc_1', id, async (older) => {
          trace.push(`start ${id} older=${older.map((o) => o.eventId).join(',')}`);
          await new Promise((r) => setTimeout(r, 50));
          trace.push(`end ${id}`);
        });
      await Promise.all([work(a, 'e3'), work(b, 'e2')]);
      // Never interleaved: each start is followed by its own end.
      expect(trace.filter((_, i) => i % 2 === 1).map((t) => t.slice(4))).toEqual(trace.filter((_, i) => i % 2 === 0).map((t) => t.split(' ')[1]));
      expect(trace.find((t) => t.startsWith('start e3'))).toBe('start e3 older=e1,e2');
      expect(trace.find((t) => t.startsWith('start e2'))).toBe('start e2 older=e1');
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('PrimaryElection', () => {
  it('elects one primary; when it stops, a standby takes over within a poll', async () => {
    const url = fresh();
    await applyPgMigrations(url);
    const logger = createLogger({ level: 'silent' });
    const events: string[] = [];
    const make = (name: string) => new PrimaryElection({ databaseUrl: url, pollMs: 50, logger, hooks: { gained: async () => void events.push(`${name} gained`), lost: async () => void events.push(`${name} lost`) } });
    const [x, y] = [make('x'), make('y')];
    await x.start();
    await y.start();
    try {
      expect([x.primary, y.primary]).toEqual([true, false]);
      await x.stop();
      for (let i = 0; i < 100 && !y.primary; i++) await new Promise((r) => setTimeout(r, 20));
      expect(y.primary).toBe(true);
      expect(events).toEqual(['x gained', 'y gained']);
    } finally {
      await x.stop();
      await y.stop();
    }
  });
});
