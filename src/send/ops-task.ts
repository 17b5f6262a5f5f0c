/** Why: task v2 calls from outbox rows: create once (client_token), then change or delete by the guid Feishu gave back. */
import type { PrismaClient } from '../store/db.ts';
import type { LarkClient } from './client.ts';
import { UnsentPatchTarget } from './ops.ts';

type Answer = { code?: number; msg?: string; data?: unknown };
const errCode = (err: unknown) => (err as { response?: { status?: number; data?: { code?: number } } }).response?.data?.code;

/** The outbox key of a task's create row: later rows of the task wait for it, and it is enqueued once. */
export const taskCreateKey = (taskId: number) => `task:${taskId}:create`;

/** The task's Feishu guid; waits (a retry) while its create is still queued; null when it was never created. */
async function guidOf(prisma: PrismaClient, taskId: number): Promise<string | null> {
  const t = await prisma.workTask.findUnique({ where: { id: taskId }, select: { guid: true } });
  if (t?.guid) return t.guid;
  const create = await prisma.outboxMessage.findUnique({ where: { dedupeKey: taskCreateKey(taskId) }, select: { status: true } });
  if (create && create.status !== 'failed' && create.status !== 'sent') throw new UnsentPatchTarget();
  return null;
}

/** Creates the task (a repeat with the same client_token answers with the same task) and keeps its guid and link. */
export async function taskCreate(lark: LarkClient, prisma: PrismaClient, c: { taskId: number; data: Record<string, unknown> }): Promise<Answer> {
  const t = await prisma.workTask.findUnique({ where: { id: c.taskId } });
  if (!t) return { code: -1, msg: `task row ${c.taskId} is gone` };
  if (t.guid) return { code: 0, msg: 'already created' };
  const res = (await lark.task.v2.task.create({ params: { user_id_type: 'open_id' }, data: c.data as never })) as Answer & { data?: { task?: { guid?: string; url?: string } } };
  const task = res?.data?.task;
  if (res?.code === 0 && task?.guid) await prisma.workTask.update({ where: { id: c.taskId }, data: { guid: task.guid, url: task.url ?? null } });
  return res;
}

/**
 * Changes a task (description, completion, reopening). Completing a task Feishu already shows as completed (a resend
 * after a lost answer) counts as done once a read confirms it.
 */
export async function taskPatch(lark: LarkClient, prisma: PrismaClient, c: { taskId: number; data: { task: Record<string, unknown>; update_fields: string[] }; complete: boolean }): Promise<Answer> {
  const guid = await guidOf(prisma, c.taskId);
  if (!guid) return { code: -1, msg: 'the task was never created in Feishu, so there is nothing to change' };
  try {
    return (await lark.task.v2.task.patch({ path: { task_guid: guid }, params: { user_id_type: 'open_id' }, data: c.data as never })) as Answer;
  } catch (err) {
    if (!c.complete || errCode(err) !== 1470400) throw err;
    const now = (await lark.task.v2.task.get({ path: { task_guid: guid }, params: { user_id_type: 'open_id' } })) as Answer & { data?: { task?: { completed_at?: string } } };
    if (now?.code === 0 && now.data?.task?.completed_at && now.data.task.completed_at !== '0') return { code: 0, msg: 'already completed' };
    throw err;
  }
}

/** Deletes the task; one Feishu no longer has (1470404), or one never created, needs nothing more. */
export async function taskDelete(lark: LarkClient, prisma: PrismaClient, c: { taskId: number }): Promise<Answer> {
  const guid = await guidOf(prisma, c.taskId);
  if (!guid) return { code: 0, msg: 'never created' };
  try {
    return (await lark.task.v2.task.delete({ path: { task_guid: guid } })) as Answer;
  } catch (err) {
    if (errCode(err) === 1470404) return { code: 0, msg: 'already deleted' };
    throw err;
  }
}
