/** Why: the outbox op kinds of the work surfaces (tasks, urgent, Base) and the one place that routes each to its SDK call. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../store/db.ts';
import type { LarkClient } from './client.ts';
import type { Row } from './sender.ts';
import { taskCreate, taskDelete, taskPatch } from './ops-task.ts';
import { baseCreate, baseCleanup, baseRecords, baseShare, baseTable } from './ops-bitable.ts';

export const SURFACE_OPS = ['task.create', 'task.patch', 'task.delete', 'urgent', 'base.create', 'base.table', 'base.cleanup', 'base.share', 'base.records'] as const;
export type SurfaceOp = (typeof SURFACE_OPS)[number];

export function isSurfaceOp(op: string): op is SurfaceOp {
  return (SURFACE_OPS as readonly string[]).includes(op);
}

const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** What each op's outbox row holds (its `content`): the request body, plus our row it belongs to. */
export const surfaceContent = {
  'task.create': z.object({ taskId: z.number().int(), data: z.record(z.string(), z.unknown()) }),
  'task.patch': z.object({ taskId: z.number().int(), data: z.object({ task: z.record(z.string(), z.unknown()), update_fields: z.array(z.string()).min(1) }), complete: z.boolean().default(false) }),
  'task.delete': z.object({ taskId: z.number().int() }),
  urgent: z.object({ messageId: z.string().min(1), openIds: z.array(z.string()).min(1) }),
  'base.create': z.object({ dashboardId: z.number().int(), name: z.string(), timeZone: z.string() }),
  'base.table': z.object({ dashboardId: z.number().int(), tableKey: z.enum(['applications', 'results']), name: z.string(), fields: z.array(z.object({ field_name: z.string(), type: z.number().int() })) }),
  'base.cleanup': z.object({ dashboardId: z.number().int() }),
  'base.share': z.object({ dashboardId: z.number().int(), openId: z.string(), perm: z.enum(['view', 'edit', 'full_access']) }),
  'base.records': z.object({
    dashboardId: z.number().int(),
    tableKey: z.enum(['applications', 'results']),
    entries: z.array(z.object({ applicationId: z.number().int(), fields: z.record(z.string(), fieldValue) })).min(1).max(1000),
  }),
} satisfies Record<SurfaceOp, z.ZodType>;

export type SurfaceContent<K extends SurfaceOp> = z.input<(typeof surfaceContent)[K]>;

/** A stable UUIDv4-shaped token from an outbox row's uuid (Base client_token must be a UUIDv4; retries reuse it). */
export function uuidV4From(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Makes the SDK call an outbox row of a surface op stands for, and records what Feishu gave back (guids, tokens, ids). */
export async function callSurface(lark: LarkClient, prisma: PrismaClient, row: Row): Promise<unknown> {
  const op = row.op as SurfaceOp;
  const parsed = surfaceContent[op].safeParse(JSON.parse(row.content));
  if (!parsed.success) return { code: -1, msg: `outbox row ${row.id} (${op}) has unreadable content: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const c = parsed.data as never;
  switch (op) {
    case 'task.create': return taskCreate(lark, prisma, c);
    case 'task.patch': return taskPatch(lark, prisma, c);
    case 'task.delete': return taskDelete(lark, prisma, c);
    case 'urgent': {
      const u = parsed.data as z.output<(typeof surfaceContent)['urgent']>;
      return lark.im.v1.message.urgentApp({ path: { message_id: u.messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: u.openIds } });
    }
    case 'base.create': return baseCreate(lark, prisma, c);
    case 'base.table': return baseTable(lark, prisma, c);
    case 'base.cleanup': return baseCleanup(lark, prisma, c);
    case 'base.share': return baseShare(lark, prisma, c);
    case 'base.records': return baseRecords(lark, prisma, row, c);
  }
}
