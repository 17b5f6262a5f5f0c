/** Why: the fake's task v2 routes validate, deduplicate and limit like Feishu, through the real SDK. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { httpError, makeFake, sdkClient } from './helpers.ts';

let fake: FakeFeishu;
afterEach(async () => fake?.close());

const body = (over: Record<string, unknown> = {}) => ({
  summary: '补齐申报材料', description: '还缺 2 项', due: { timestamp: '1780200000000', is_all_day: true },
  members: [{ id: 'ou_m', type: 'user', role: 'assignee' }], client_token: 'token-0000000001', ...over,
});

async function setup(extra = {}) {
  fake = await makeFake(extra);
  fake.addUser({ openId: 'ou_m', name: '张行长' });
  return sdkClient(fake).task.v2.task;
}

describe('task v2 in the fake', () => {
  it('creates a task with a guid and a link; the same client_token answers with the same task', async () => {
    const task = await setup();
    const a = await task.create({ params: { user_id_type: 'open_id' }, data: body() });
    expect(a.code).toBe(0);
    expect(a.data?.task).toMatchObject({ summary: '补齐申报材料', status: 'todo', completed_at: '0', members: [{ id: 'ou_m', type: 'user', role: 'assignee' }], source: 6 });
    expect(a.data?.task?.url).toMatch(/^https:\/\/applink\.feishu\.cn\/client\/todo\/detail\?guid=/);
    const b = await task.create({ params: { user_id_type: 'open_id' }, data: body({ summary: 'changed' }) });
    expect(b.data?.task?.guid).toBe(a.data?.task?.guid);
    expect(fake.surfaces.tasksOf('ou_m')).toHaveLength(1);
    expect(fake.calls.at(-1)!.fault).toBe('client-token-dedupe');
  });

  it.each([
    ['an empty summary', body({ summary: '  ' }), 1470400, 'summary'],
    ['a summary over 3000 characters', body({ summary: '长'.repeat(3001) }), 1470400, '3000'],
    ['a due date that is not a millisecond string', body({ due: { timestamp: 1780200000000 } }), 1470400, 'due.timestamp'],
    ['a member with an unknown role', body({ members: [{ id: 'ou_m', role: 'owner' }] }), 1470400, 'role'],
    ['a member who is not a user of the tenant', body({ members: [{ id: 'ou_nobody', role: 'assignee' }] }), 1470400, 'ou_nobody'],
    ['a client_token under 10 characters', body({ client_token: 'short' }), 1470400, 'client_token'],
    ['an origin link that is not http(s) or applink', body({ origin: { href: { url: 'ftp://x' } } }), 1470436, 'origin'],
  ])('refuses %s', async (_name, data, code, word) => {
    const task = await setup();
    const e = await httpError(task.create({ params: { user_id_type: 'open_id' }, data: data as never }));
    expect([e.status, e.code]).toEqual([400, code]);
    expect(e.msg).toContain(word);
    expect(fake.surfaces.tasks.size).toBe(0);
  });

  it('patches named fields only, refuses completing twice, reopens with "0", deletes once', async () => {
    const task = await setup();
    const guid = (await task.create({ params: { user_id_type: 'open_id' }, data: body() })).data!.task!.guid!;
    expect((await httpError(task.patch({ path: { task_guid: guid }, data: { task: { description: 'x' }, update_fields: [] } }))).code).toBe(1470400);
    expect((await httpError(task.patch({ path: { task_guid: guid }, data: { task: {}, update_fields: ['members'] } }))).msg).toContain('own APIs');
    await task.patch({ path: { task_guid: guid }, data: { task: { completed_at: '1780000000000' }, update_fields: ['completed_at'] } });
    expect((await task.get({ path: { task_guid: guid } })).data?.task?.status).toBe('done');
    expect((await httpError(task.patch({ path: { task_guid: guid }, data: { task: { completed_at: '1780000000001' }, update_fields: ['completed_at'] } }))).msg).toContain('already completed');
    await task.patch({ path: { task_guid: guid }, data: { task: { completed_at: '0' }, update_fields: ['completed_at'] } });
    expect(fake.surfaces.tasks.get(guid)!.completed_at).toBe('0');
    expect((await task.delete({ path: { task_guid: guid } })).code).toBe(0);
    expect(await httpError(task.delete({ path: { task_guid: guid } }))).toMatchObject({ status: 404, code: 1470404 });
    expect(await httpError(task.get({ path: { task_guid: guid } }))).toMatchObject({ status: 404, code: 1470404 });
    expect(fake.surfaces.tasksOf('ou_m')).toHaveLength(0);
  });

  it('allows 10 task writes a second per app when limits are enforced, then answers 429 with a reset', async () => {
    const clock = new ManualClock();
    const task = await setup({ clock, enforceLimits: true });
    for (let i = 0; i < 10; i++) await task.create({ params: { user_id_type: 'open_id' }, data: body({ client_token: `token-${String(i).padStart(10, '0')}` }) });
    const e = await httpError(task.create({ params: { user_id_type: 'open_id' }, data: body({ client_token: 'token-9999999999' }) }));
    expect([e.status, e.code, e.headers['x-ogw-ratelimit-reset']]).toEqual([429, 99991400, '1']);
    clock.advance(1000);
    expect((await task.create({ params: { user_id_type: 'open_id' }, data: body({ client_token: 'token-9999999999' }) })).code).toBe(0);
  });
});
