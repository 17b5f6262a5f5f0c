/** Why: Base (多维表格) calls from outbox rows: create the Base and its tables once, share it, and write records without duplicates. */
// Each record is created by exactly one outbox row: the row claims it (DashboardRecord.claimOutboxId) before calling
// batch_create with a client_token derived from the row, so a retry after a lost answer gets the same records back and a
// restart never makes a second record for an application. Rows of one dashboard share one outbox lane, so its writes
// never run concurrently (Feishu refuses concurrent writes to one table: 1254291).
import type { PrismaClient } from '../store/db.ts';
import type { LarkClient } from './client.ts';
import type { Row } from './sender.ts';
import { classifyResponse } from './errors.ts';
import { UnsentPatchTarget } from './ops.ts';
import { uuidV4From } from './ops-surfaces.ts';
import { IN_CHUNK, inChunks, partsOf, ROWS_PER_INSERT } from '../store/chunks.ts';

type Answer = { code?: number; msg?: string; data?: unknown };
type TableKey = 'applications' | 'results';
const column = (k: TableKey) => (k === 'applications' ? 'applicationsTableId' : 'resultsTableId');

/** The outbox key of a dashboard's Base creation: its other rows wait for it. */
export const baseCreateKey = (dashboardId: number) => `dash:${dashboardId}:base`;

async function dashboard(prisma: PrismaClient, id: number) {
  return prisma.dashboard.findUnique({ where: { id } });
}

/** The Base's app_token; waits while its creation is queued, null once that failed for good. */
async function appTokenOf(prisma: PrismaClient, id: number): Promise<string | null> {
  const d = await dashboard(prisma, id);
  if (d?.appToken) return d.appToken;
  const create = await prisma.outboxMessage.findUnique({ where: { dedupeKey: baseCreateKey(id) }, select: { status: true } });
  if (create && create.status !== 'failed') throw new UnsentPatchTarget();
  return null;
}

const noBase = (id: number): Answer => ({ code: -1, msg: `dashboard ${id} has no Base: its creation failed (see the outbox row ${baseCreateKey(id)})` });

export async function baseCreate(lark: LarkClient, prisma: PrismaClient, c: { dashboardId: number; name: string; timeZone: string }): Promise<Answer> {
  const d = await dashboard(prisma, c.dashboardId);
  if (!d) return { code: -1, msg: `dashboard ${c.dashboardId} is gone` };
  if (d.appToken) return { code: 0, msg: 'already created' };
  // app.create has no client_token: a lost answer could leave an empty Base behind, never a second mirror of our data.
  const res = (await lark.bitable.v1.app.create({ data: { name: c.name, time_zone: c.timeZone } })) as Answer & { data?: { app?: { app_token?: string; url?: string; default_table_id?: string } } };
  const app = res?.data?.app;
  if (res?.code === 0 && app?.app_token) {
    await prisma.dashboard.update({ where: { id: d.id }, data: { appToken: app.app_token, url: app.url ?? null, defaultTableId: app.default_table_id ?? null } });
  }
  return res;
}

/** Finds the table by name (a retry after a lost answer) or creates it; the dashboard is ready once both tables exist. */
export async function baseTable(lark: LarkClient, prisma: PrismaClient, c: { dashboardId: number; tableKey: TableKey; name: string; fields: Array<{ field_name: string; type: number }> }): Promise<Answer> {
  const token = await appTokenOf(prisma, c.dashboardId);
  if (!token) return noBase(c.dashboardId);
  const d = (await dashboard(prisma, c.dashboardId))!;
  if (d[column(c.tableKey)]) return { code: 0, msg: 'already created' };
  const list = (await lark.bitable.v1.appTable.list({ path: { app_token: token }, params: { page_size: 100 } })) as Answer & { data?: { items?: Array<{ table_id?: string; name?: string }> } };
  if (list?.code !== 0) return list;
  let tableId = list.data?.items?.find((t) => t.name === c.name)?.table_id;
  if (!tableId) {
    const res = (await lark.bitable.v1.appTable.create({ path: { app_token: token }, data: { table: { name: c.name, default_view_name: c.name, fields: c.fields as never } } })) as Answer & { data?: { table_id?: string } };
    if (res?.code !== 0 || !res.data?.table_id) return res;
    tableId = res.data.table_id;
  }
  const updated = await prisma.dashboard.update({ where: { id: d.id }, data: { [column(c.tableKey)]: tableId } });
  if (updated.applicationsTableId && updated.resultsTableId && updated.status !== 'ready') await prisma.dashboard.update({ where: { id: d.id }, data: { status: 'ready' } });
  return { code: 0, msg: 'ok' };
}

/** Removes the blank table a new Base starts with (gone already is fine). */
export async function baseCleanup(lark: LarkClient, prisma: PrismaClient, c: { dashboardId: number }): Promise<Answer> {
  const token = await appTokenOf(prisma, c.dashboardId);
  if (!token) return noBase(c.dashboardId);
  const d = (await dashboard(prisma, c.dashboardId))!;
  if (!d.defaultTableId || d.defaultTableId === d.applicationsTableId || d.defaultTableId === d.resultsTableId) return { code: 0, msg: 'nothing to remove' };
  const res = (await lark.bitable.v1.appTable.delete({ path: { app_token: token, table_id: d.defaultTableId } })) as Answer;
  if (res?.code === 0 || res?.code === 1254041) await prisma.dashboard.update({ where: { id: d.id }, data: { defaultTableId: null } });
  return res?.code === 1254041 ? { code: 0, msg: 'already removed' } : res;
}

/** Gives one person access to the Base (a dashboard mirrors data, so view is what is asked for). */
export async function baseShare(lark: LarkClient, prisma: PrismaClient, c: { dashboardId: number; openId: string; perm: 'view' | 'edit' | 'full_access' }): Promise<Answer> {
  const token = await appTokenOf(prisma, c.dashboardId);
  if (!token) return noBase(c.dashboardId);
  return (await lark.drive.v1.permissionMember.create({
    path: { token },
    params: { type: 'bitable', need_notification: false },
    data: { member_type: 'openid', member_id: c.openId, perm: c.perm, type: 'user' },
  })) as Answer;
}

/**
 * Writes up to 1,000 rows: records the dashboard already has are updated; the others are claimed by this outbox row and
 * created with a client_token derived from it. A permanent failure clears the rows' hashes so the next sync sends them again.
 */
export async function baseRecords(lark: LarkClient, prisma: PrismaClient, row: Row, c: { dashboardId: number; tableKey: TableKey; entries: Array<{ applicationId: number; fields: Record<string, string | number | boolean | null> }> }): Promise<Answer> {
  const token = await appTokenOf(prisma, c.dashboardId);
  if (!token) return noBase(c.dashboardId);
  const tableId = (await dashboard(prisma, c.dashboardId))![column(c.tableKey)];
  if (!tableId) throw new UnsentPatchTarget();
  const ids = c.entries.map((e) => e.applicationId);
  const where = { dashboardId: c.dashboardId, tableKey: c.tableKey };
  const known = new Map((await inChunks(ids, (part) => prisma.dashboardRecord.findMany({ where: { ...where, applicationId: { in: part } } }))).map((r) => [r.applicationId, r]));
  const others = [...new Set([...known.values()].map((r) => r.claimOutboxId).filter((id): id is number => id !== null && id !== row.id))];
  const otherStatus = new Map((await inChunks(others, (part) => prisma.outboxMessage.findMany({ where: { id: { in: part } }, select: { id: true, status: true } }))).map((o) => [o.id, o.status]));
  const toCreate: typeof c.entries = [];
  const toUpdate: Array<{ record_id: string; fields: Record<string, unknown> }> = [];
  for (const e of c.entries) {
    const r = known.get(e.applicationId);
    if (r?.recordId) toUpdate.push({ record_id: r.recordId, fields: e.fields });
    else if (r?.claimOutboxId && r.claimOutboxId !== row.id && otherStatus.get(r.claimOutboxId) === 'pending') throw new UnsentPatchTarget();
    else toCreate.push(e);
  }
  const fail = async (res: Answer): Promise<Answer> => {
    if (classifyResponse(res).kind === 'permanent') await inChunks(ids, async (part) => [await prisma.dashboardRecord.updateMany({ where: { ...where, applicationId: { in: part } }, data: { hash: '' } })]);
    return res;
  };
  if (toCreate.length) {
    // The claim: these records are this row's to create (a few multi-row writes, in one transaction).
    const missing = toCreate.filter((e) => !known.has(e.applicationId)).map((e) => e.applicationId);
    const present = toCreate.filter((e) => known.has(e.applicationId)).map((e) => e.applicationId);
    await prisma.$transaction([
      ...partsOf(missing, ROWS_PER_INSERT).map((part) => prisma.dashboardRecord.createMany({ data: part.map((applicationId) => ({ ...where, applicationId, claimOutboxId: row.id, hash: '' })) })),
      ...partsOf(present, IN_CHUNK).map((part) => prisma.dashboardRecord.updateMany({ where: { ...where, applicationId: { in: part } }, data: { claimOutboxId: row.id } })),
    ]);
    const res = (await lark.bitable.v1.appTableRecord.batchCreate({
      path: { app_token: token, table_id: tableId },
      params: { client_token: uuidV4From(`${row.uuid}:create`), user_id_type: 'open_id' },
      data: { records: toCreate.map((e) => ({ fields: e.fields as never })) },
    })) as Answer & { data?: { records?: Array<{ record_id?: string }> } };
    if (res?.code !== 0) return fail(res);
    const made = res.data?.records ?? [];
    if (made.length !== toCreate.length) return { code: -1, msg: `batch_create answered ${made.length} records for ${toCreate.length}` };
    await saveRecordIds(prisma, where, toCreate.map((e, i) => [e.applicationId, made[i]!.record_id ?? null]), row.id);
  }
  if (toUpdate.length) {
    const res = (await lark.bitable.v1.appTableRecord.batchUpdate({
      path: { app_token: token, table_id: tableId },
      params: { user_id_type: 'open_id' },
      data: { records: toUpdate as never },
    })) as Answer;
    if (res?.code !== 0) return fail(res);
  }
  return { code: 0, msg: 'ok', data: { created: toCreate.length, updated: toUpdate.length } };
}

/**
 * Records the ids Feishu gave the new records. Each row's id differs, so instead of one update per row the rows are
 * replaced (read, deleted, inserted with their ids) in one transaction: a few statements per 100 rows.
 */
async function saveRecordIds(prisma: PrismaClient, where: { dashboardId: number; tableKey: TableKey }, ids: Array<[number, string | null]>, claimOutboxId: number): Promise<void> {
  await prisma.$transaction(async (tx) => {
    for (const part of partsOf(ids, ROWS_PER_INSERT)) {
      const apps = part.map(([a]) => a);
      const prior = new Map((await tx.dashboardRecord.findMany({ where: { ...where, applicationId: { in: apps } } })).map((r) => [r.applicationId, r]));
      await tx.dashboardRecord.deleteMany({ where: { ...where, applicationId: { in: apps } } });
      await tx.dashboardRecord.createMany({
        data: part.map(([applicationId, recordId]) => ({ ...where, applicationId, recordId, claimOutboxId, hash: prior.get(applicationId)?.hash ?? '', updatedAt: prior.get(applicationId)?.updatedAt })),
      });
    }
  });
}
