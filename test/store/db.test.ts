import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations, databaseHealth, openDatabase } from '../../src/store/db.ts';

const dirs: string[] = [];
function tmpUrl(sub = 'bot.db') {
  const d = mkdtempSync(join(tmpdir(), 'dbtest-'));
  dirs.push(d);
  return `file:${join(d, 'nested', 'deeper', sub)}`;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('database setup', () => {
  it('creates the folder, applies every migration once, and turns on WAL', async () => {
    const url = tmpUrl();
    const first = applyMigrations(url);
    expect(first.length).toBeGreaterThan(0);
    expect(existsSync(url.slice(5))).toBe(true);
    expect(applyMigrations(url)).toEqual([]);
    const prisma = await openDatabase(url);
    const health = await databaseHealth(prisma);
    expect(health).toEqual({ ok: true, journalMode: 'wal' });
    const db = new Database(url.slice(5));
    const rows = db.prepare('SELECT migration_name, checksum FROM _prisma_migrations').all() as { checksum: string }[];
    expect(rows).toHaveLength(first.length);
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    db.close();
    await prisma.$disconnect();
  });

  it('keeps the audit log append-only', async () => {
    const prisma = await openDatabase(tmpUrl());
    const row = await prisma.auditLog.create({ data: { actorId: 'ou_a', action: 'test', after: '{}' } });
    await expect(prisma.auditLog.update({ where: { id: row.id }, data: { action: 'changed' } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditLog.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
    expect(await prisma.auditLog.count()).toBe(1);
    await prisma.$disconnect();
  });

  it('refuses a second row for the same event_id (the durable dedupe key)', async () => {
    const prisma = await openDatabase(tmpUrl());
    await prisma.processedEvent.create({ data: { eventId: 'e1', eventType: 't', payload: '{}' } });
    await expect(prisma.processedEvent.create({ data: { eventId: 'e1', eventType: 't', payload: '{}' } })).rejects.toMatchObject({ code: 'P2002' });
    await prisma.$disconnect();
  });
});
