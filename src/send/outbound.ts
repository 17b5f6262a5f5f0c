/** Why: what a message to Feishu is before it is sent (Outbound), and the outbox row it becomes: size check, uuid, lane, pacing keys. */
import { createHash, randomUUID } from 'node:crypto';
import type { OutboxInsert } from '../store/hot.ts';
import { laneFor, type Lane } from './lanes.ts';
import type { SurfaceOp } from './ops-surfaces.ts';

export const MAX_CARD_BYTES = 30 * 1024;

export type Outbound = {
  /** 'surface' for the work-surface ops (tasks, urgent, Base), whose content is their request (see ops-surfaces.ts). */
  msgType: 'text' | 'interactive' | 'file' | 'surface';
  /** The message content object; it is JSON-encoded once here. */
  content: object;
  /** A stable logical key: a second enqueue with the same key is a no-op, and it fixes the Feishu uuid. */
  dedupeKey?: string;
  /** fast (a person is waiting) or bulk (fan-out); laneFor decides from the dedupe key when not given. */
  lane?: Lane;
} & (
  | { op: 'create'; receiveIdType: 'open_id' | 'chat_id'; receiveId: string }
  | { op: 'reply'; replyToId: string; chatId: string; userId?: string }
  | { op: 'patch'; messageId: string; chatId?: string }
  | { op: 'patch'; outboxId: number; chatId?: string }
  /** A late card-callback answer: `content` is the card; ops.ts uses the token, or patches `messageId` when it expired. */
  | { op: 'card_update'; token?: string; issuedAt: Date; messageId?: string; chatId?: string }
  /** A work-surface op (ops-surfaces.ts): `bucket` is its rate bucket and ordering key (rows of one bucket go one at a time, in order). */
  | { op: SurfaceOp; bucket: string; userId?: string }
);

export class MessageTooLargeError extends Error {
  constructor(bytes: number) {
    super(`A card of ${bytes} bytes exceeds Feishu's 30 KB limit. Split it into smaller cards or shorten lists (show the first items and a "more" button).`);
    this.name = 'MessageTooLargeError';
  }
}

export function uuidFor(dedupeKey?: string): string {
  return dedupeKey ? 'k' + createHash('sha256').update(dedupeKey).digest('base64url').slice(0, 43) : randomUUID();
}

/** The outbox row for a message: content encoded once and size-checked, uuid fixed by the dedupe key, lane, pacing keys. */
export function outboxRow(m: Outbound, now: Date): OutboxInsert {
  const content = JSON.stringify(m.op === 'card_update' ? { token: m.token, issuedAt: m.issuedAt.toISOString(), card: m.content } : m.content);
  const bytes = Buffer.byteLength(content);
  if (m.msgType === 'interactive' && bytes > MAX_CARD_BYTES) throw new MessageTooLargeError(bytes);
  const uuid = uuidFor(m.dedupeKey);
  const base = { uuid, dedupeKey: m.dedupeKey ?? null, op: m.op, msgType: m.msgType, content, lane: laneFor(m), createdAt: now };
  return m.op === 'create'
    ? { ...base, receiveIdType: m.receiveIdType, receiveId: m.receiveId, chatKey: m.receiveIdType === 'chat_id' ? m.receiveId : `p2p:${m.receiveId}`, userKey: m.receiveIdType === 'open_id' ? m.receiveId : null }
    : m.op === 'reply'
      ? { ...base, replyToId: m.replyToId, chatKey: m.chatId, userKey: m.userId ?? null }
      : m.op === 'patch' || m.op === 'card_update'
        ? cardRow(m, base)
        : { ...base, chatKey: m.bucket, userKey: m.userId ?? null };
}

/**
 * Updates of one card share a key `card:<target>`: they go out in order, one at a time, within Feishu's 5 QPS per
 * message (the per-chat window has the same size), and a 230020 for that card holds only that card.
 */
function cardRow<B extends object>(m: Extract<Outbound, { op: 'patch' | 'card_update' }>, base: B) {
  const target = m.op === 'card_update' ? m.messageId ?? null : 'messageId' in m ? m.messageId : `outbox:${m.outboxId}`;
  const key = target ?? (m.op === 'card_update' ? `token:${m.token ?? ''}` : '');
  return { ...base, patchMessageId: target, chatKey: `card:${key}` };
}
