/** The sandbox controller: seeding through the stores, reset onto a fresh file, restart keeping data and clock, foreign DBs. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxHarness } from '../../helpers/sandbox.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { audit } from '../../../src/store/audit.ts';
import { SEED_ACTOR } from '../../../src/sandbox/web/seed.ts';
import { sandboxDatabaseUrl, SANDBOX_DATABASE_URL } from '../../../src/sandbox/web/index.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SEC = 'ou_demo_secretariat';

describe('seeding', () => {
  it('seeds two regions bound to their groups, three banks with units, every role, and an archived round with quotas', async () => {
    h = await createSandbox();
    const { prisma, fake, demo } = h.sb;
    const regions = await prisma.region.findMany({ orderBy: { id: 'asc' } });
    expect(regions.map((r) => [r.name, r.chatId])).toEqual([['上海市银行业协会（演示）', 'oc_demo_group_sh'], ['浙江省银行业协会（演示）', 'oc_demo_group_zj']]);
    expect((await prisma.memberUnit.findMany()).map((b) => b.name)).toHaveLength(3);
    expect(await prisma.unit.count()).toBe(demo.units.length);
    const grants = await prisma.roleGrant.findMany();
    expect(new Set(grants.map((g) => g.role))).toEqual(new Set(['secretariat', 'regional_admin', 'member_admin', 'inspector', 'branch_manager']));
    expect(grants.filter((g) => g.role === 'branch_manager')).toHaveLength(2);
    expect(await h.sb.app.deps.services.roles.has(SEC, 'secretariat')).toBe(true);
    const round = await prisma.campaign.findFirstOrThrow({ include: { quotas: true } });
    expect(round.status).toBe('ARCHIVED');
    expect(round.quotas.map((q) => q.quota).sort((a, b) => a - b)).toEqual([2, 2, 6, 8]);
    for (const name of [...regions.map((r) => r.name), round.name, ...demo.users.map((u) => u.name)]) expect(name).toMatch(/（演示）$/);
    // Every seeded row is audited, by the seed actor.
    const actions = new Set((await prisma.auditLog.findMany({ where: { actorId: SEED_ACTOR } })).map((a) => a.action));
    for (const a of ['region.add', 'chat.bind', 'bank.add', 'unit.add', 'role.grant', 'quota.set', 'campaign.draft', 'campaign.archived', 'sandbox.seed']) expect(actions).toContain(a);
    expect(await prisma.auditLog.count({ where: { actorId: { not: SEED_ACTOR } } })).toBe(0);
    // The fake knows every person and chat; each group holds the people of its region.
    expect(fake.users().map((u) => u.openId)).toEqual(expect.arrayContaining(demo.users.map((u) => u.openId)));
    expect(fake.chats().find((c) => c.chatId === 'oc_demo_group_zj')!.members).toEqual(['ou_demo_secretariat', 'ou_demo_member_admin', 'ou_demo_manager_zj']);
  });
});

describe('reset', () => {
  it('starts over on a fresh database file with fresh demo data, the clock back at real time, and the chats empty', async () => {
    h = await createSandbox();
    const r1 = await h.post('/sandbox/api/send', { as: SEC, chatId: `oc_p2p_${SEC}`, text: '/campaign open 演示评选 --apply-by 2026-04-15' });
    expect(r1.status).toBe(200);
    await h.sb.fake.waitFor((ms) => ms.length === 1);
    await h.post('/sandbox/api/clock', { days: 3 });
    const oldPrisma = h.sb.prisma;
    const oldApp = h.sb.app;
    expect(await oldPrisma.campaign.count()).toBe(2);

    const reset = await h.post('/sandbox/api/reset');
    expect(reset.status).toBe(200);
    expect(reset.body.message).toBe('已重置演示数据。');
    expect(h.sb.app).not.toBe(oldApp);
    expect(await h.sb.prisma.campaign.count()).toBe(1);
    expect(await h.sb.prisma.auditLog.count({ where: { actorId: SEC } })).toBe(0);
    expect(await h.sb.prisma.processedEvent.count()).toBe(0);
    expect(h.sb.clock.offsetMs).toBe(0);
    expect(h.sb.fake.messages).toHaveLength(0);
    expect((await h.get(`/sandbox/api/state?as=${SEC}`)).body.messages).toEqual([]);
    expect(existsSync(join(h.dir, 'sandbox.db.clock.json'))).toBe(false);
    // The same URL keeps working, and the bot still answers.
    await h.post('/sandbox/api/send', { as: SEC, chatId: `oc_p2p_${SEC}`, text: '帮助' });
    await h.sb.fake.waitFor((ms) => ms.length === 1, { what: 'a reply after reset' });
  });

  it('a restart keeps the data and the sandbox time, and does not seed twice', async () => {
    h = await createSandbox();
    await h.post('/sandbox/api/clock', { days: 10 });
    const seeded = await h.sb.prisma.auditLog.count({ where: { actorId: SEED_ACTOR } });
    const dir = h.dir;
    await h.close({ keepDir: true });
    h = await createSandbox({ dir });
    expect(h.sb.clock.now().toISOString()).toBe('2026-03-12T01:00:00.000Z');
    expect(await h.sb.prisma.auditLog.count({ where: { actorId: SEED_ACTOR } })).toBe(seeded);
    expect(h.sb.resettable).toBe(true);
  });

  it('refuses to seed or reset a database the sandbox did not create', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-foreign-'));
    const prisma = await openDatabase(`file:${join(dir, 'sandbox.db')}`);
    await audit(prisma, { actorId: 'ou_real_person', action: 'region.add', target: 'region:1', at: new Date() });
    await prisma.$disconnect();
    h = await createSandbox({ dir });
    expect(h.sb.resettable).toBe(false);
    expect(await h.sb.prisma.region.count()).toBe(0);
    const r = await h.post('/sandbox/api/reset');
    expect(r.status).toBe(409);
    expect(r.body.error).toContain('不是沙盒创建的');
    expect(existsSync(join(dir, 'sandbox.db'))).toBe(true);
    expect(await h.sb.prisma.auditLog.count({ where: { actorId: 'ou_real_person' } })).toBe(1);
  });
});

describe('start', () => {
  it('names the fix when the port is taken', async () => {
    h = await createSandbox();
    const port = Number(new URL(h.sb.url).port);
    await expect(createSandbox({ port })).rejects.toThrow(`Port ${port} is already in use. Stop the program using it, or start the sandbox on another port: PORT=3001 npm start`);
  });
});

describe('sandboxDatabaseUrl', () => {
  it('uses the sandbox\'s own file unless DATABASE_URL is set', () => {
    expect(sandboxDatabaseUrl({})).toBe(SANDBOX_DATABASE_URL);
    expect(sandboxDatabaseUrl({ DATABASE_URL: ' ' })).toBe(SANDBOX_DATABASE_URL);
    expect(sandboxDatabaseUrl({ DATABASE_URL: 'file:./x.db' })).toBe('file:./x.db');
  });
});
