/** Why: the fake's Bases (apps, tables, batched records, sharing) validate and limit like Feishu, through the real SDK. */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { httpError, makeFake, sdkClient } from './helpers.ts';

let fake: FakeFeishu;
afterEach(async () => fake?.close());

async function setup(extra = {}) {
  fake = await makeFake(extra);
  fake.addUser({ openId: 'ou_sec', name: '秘书处' });
  const b = sdkClient(fake).bitable.v1;
  const app = (await b.app.create({ data: { name: '看板', time_zone: 'Asia/Shanghai' } })).data!.app!;
  const table = await b.appTable.create({ path: { app_token: app.app_token! }, data: { table: { name: '申报', fields: [{ field_name: '申报编号', type: 1 }, { field_name: '所缺项数', type: 2 }] } } });
  return { b, app, tableId: table.data!.table_id!, client: sdkClient(fake) };
}

describe('Bases in the fake', () => {
  it('creates an app with a blank table, adds tables, refuses a duplicate name, and never deletes the last table', async () => {
    const { b, app, tableId } = await setup();
    const tables = (await b.appTable.list({ path: { app_token: app.app_token! } })).data!.items!;
    expect(tables.map((t) => t.name)).toEqual(['数据表', '申报']);
    expect((await b.appTable.create({ path: { app_token: app.app_token! }, data: { table: { name: '申报', fields: [{ field_name: 'x', type: 1 }] } } })).code).toBe(1254013);
    expect((await b.appTable.delete({ path: { app_token: app.app_token!, table_id: app.default_table_id! } })).code).toBe(0);
    expect((await b.appTable.delete({ path: { app_token: app.app_token!, table_id: tableId } })).code).toBe(1254000);
    expect((await b.appTable.list({ path: { app_token: 'bascnnope' } })).code).toBe(1254040);
  });

  it('writes at most 1,000 records a call, by field name and type; a client_token repeat answers with the first records', async () => {
    const { b, app, tableId } = await setup();
    const path = { app_token: app.app_token!, table_id: tableId };
    const rec = (i: number) => ({ fields: { 申报编号: String(i), 所缺项数: i } });
    expect((await b.appTableRecord.batchCreate({ path, data: { records: Array.from({ length: 1001 }, (_, i) => rec(i)) } })).code).toBe(1254104);
    expect((await b.appTableRecord.batchCreate({ path, data: { records: [{ fields: { 网点: 'x' } }] } })).code).toBe(1254045);
    expect(await httpError(b.appTableRecord.batchCreate({ path, data: { records: [{ fields: { 所缺项数: '七' } }] } }))).toMatchObject({ status: 400, code: 1254015 });
    expect((await httpError(b.appTableRecord.batchCreate({ path, params: { client_token: 'not-a-uuid' }, data: { records: [rec(1)] } }))).code).toBe(1254001);

    const token = '6d99f59c-4d7d-4452-98d6-3d0556393cf6';
    const first = await b.appTableRecord.batchCreate({ path, params: { client_token: token }, data: { records: Array.from({ length: 1000 }, (_, i) => rec(i)) } });
    const again = await b.appTableRecord.batchCreate({ path, params: { client_token: token }, data: { records: Array.from({ length: 1000 }, (_, i) => rec(i)) } });
    expect(again.data?.records?.map((r) => r.record_id)).toEqual(first.data?.records?.map((r) => r.record_id));
    const table = [...fake.surfaces.bases.values()][0]!.tables.find((t) => t.table_id === tableId)!;
    expect(table.records).toHaveLength(1000);

    const id = first.data!.records![5]!.record_id!;
    expect((await b.appTableRecord.batchUpdate({ path, data: { records: [{ record_id: id, fields: { 所缺项数: 0 } }] } })).code).toBe(0);
    expect(table.records[5]!.fields).toEqual({ 申报编号: '5', 所缺项数: 0 });
    expect((await b.appTableRecord.batchUpdate({ path, data: { records: [{ record_id: 'recnope', fields: { 所缺项数: 0 } }] } })).code).toBe(1254043);
  });

  it('shares a Base with a user by open_id; refuses unknown people and documents', async () => {
    const { app, client } = await setup();
    const add = (token: string, id: string) => client.drive.v1.permissionMember.create({ path: { token }, params: { type: 'bitable', need_notification: false }, data: { member_type: 'openid', member_id: id, perm: 'view', type: 'user' } });
    expect((await add(app.app_token!, 'ou_sec')).data?.member).toMatchObject({ member_id: 'ou_sec', perm: 'view' });
    expect([...fake.surfaces.bases.get(app.app_token!)!.members]).toEqual([['ou_sec', 'view']]);
    expect((await httpError(add(app.app_token!, 'ou_ghost'))).code).toBe(1063001);
    expect((await httpError(add('bascnnope', 'ou_sec'))).code).toBe(1063001);
  });

  it('allows 50 Base writes a second per app when limits are enforced', async () => {
    const { b, app, tableId } = await setup({ enforceLimits: true, clock: { now: () => new Date('2026-03-02T02:00:00Z') } });
    const path = { app_token: app.app_token!, table_id: tableId };
    for (let i = 0; i < 48; i++) await b.appTableRecord.batchCreate({ path, data: { records: [{ fields: { 申报编号: String(i) } }] } });
    expect((await httpError(b.appTableRecord.batchCreate({ path, data: { records: [{ fields: { 申报编号: 'x' } }] } }))).status).toBe(429);
  });
});
