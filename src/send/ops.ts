/** Why: the one place that turns an outbox row into its SDK call (send, reply, patch a card, finish a late card callback; work-surface ops in ops-surfaces.ts). */
import type { PrismaClient } from '../store/db.ts';
import type { Clock } from '../clock.ts';
import type { LarkClient } from './client.ts';
import type { Row } from './sender.ts';
import { classifyError } from './errors.ts';
import { callSurface, isSurfaceOp } from './ops-surfaces.ts';

const DAY_MS = 86_400_000;
/**
 * Feishu patches a card only within 14 days of sending it (card JSON 2.0 takes clicks for 14 days too). A card older
 * than this is not patched but sent afresh, and the fresh one is patched from then on: a day's margin for clock skew.
 */
export const CARD_REFRESH_AGE_MS = 13 * DAY_MS;
/** PATCH im/v1/messages/:id past the window: HTTP 400 "Message has expired when updating message, ext=Message can only be updated within fourteen days." */
export const PATCH_EXPIRED_CODE = 230031;
/** A callback's card token works for 30 minutes (延时更新消息卡片); a minute's margin. */
export const CARD_TOKEN_TTL_MS = 29 * 60_000;

/** A patch whose card is still waiting in the outbox: retried, never sent to a message id we do not know yet. */
export class UnsentPatchTarget extends Error {
  constructor() {
    super('the card to update is not sent yet');
    this.name = 'UnsentPatchTarget';
  }
}

/** What a `card_update` row holds: the late answer's card and the callback's token (sender.ts writes it). */
export interface CardUpdateContent {
  token?: string;
  issuedAt: string;
  card: object;
}

/** The outbox row that first carried a card: where it went, and which Feishu message holds it now. */
type CardRow = { id: number; op: string; receiveIdType: string | null; receiveId: string | null; chatKey: string | null; messageId: string | null; sentAt: Date | null; status: string };
const CARD_SELECT = { id: true, op: true, receiveIdType: true, receiveId: true, chatKey: true, messageId: true, sentAt: true, status: true } as const;

export async function callFeishu(lark: LarkClient, prisma: PrismaClient, row: Row, clock: Clock): Promise<unknown> {
  if (isSurfaceOp(row.op)) return callSurface(lark, prisma, row);
  const im = lark.im.v1.message;
  if (row.op === 'create') {
    return im.create({ params: { receive_id_type: row.receiveIdType as 'open_id' }, data: { receive_id: row.receiveId!, msg_type: row.msgType, content: row.content, uuid: row.uuid } });
  }
  if (row.op === 'reply') {
    return im.reply({ path: { message_id: row.replyToId! }, data: { msg_type: row.msgType, content: row.content, uuid: row.uuid } });
  }
  if (row.op === 'card_update') return cardUpdate(lark, prisma, row, clock);
  return patch(lark, prisma, row, row.content, clock);
}

/** Feishu's code from an answer, or from the AxiosError of a non-2xx one (whose own `code` is axios's, a string). */
function codeOf(x: unknown): number | undefined {
  const fromHttp = (x as { response?: { data?: { code?: unknown } } })?.response?.data?.code;
  const code = fromHttp ?? (x as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Patches the card in place; a card past Feishu's window (by our record, or because Feishu says 230031) is sent again
 * to the same chat with the new content, and its outbox row then points at the new message, so `outbox:<id>` targets
 * (Application.progressOutboxId and the like) follow it for the next two years of patches.
 */
async function patch(lark: LarkClient, prisma: PrismaClient, row: Row, content: string, clock: Clock): Promise<unknown> {
  let target = row.patchMessageId!;
  let card: CardRow | null;
  if (target.startsWith('outbox:')) {
    card = await prisma.outboxMessage.findUnique({ where: { id: Number(target.slice(7)) }, select: CARD_SELECT });
    if (!card || card.status === 'failed') return { code: -1, msg: 'the card to update was never sent' };
    if (card.status !== 'sent' || !card.messageId) throw new UnsentPatchTarget();
    target = card.messageId;
  } else {
    card = await prisma.outboxMessage.findFirst({ where: { messageId: target, op: { in: ['create', 'reply'] } }, select: CARD_SELECT });
  }
  if (card?.sentAt && clock.now().getTime() - card.sentAt.getTime() >= CARD_REFRESH_AGE_MS) return resend(lark, prisma, row, card, content, clock);
  try {
    const res = await lark.im.v1.message.patch({ path: { message_id: target }, data: { content } });
    return codeOf(res) === PATCH_EXPIRED_CODE && card ? resend(lark, prisma, row, card, content, clock) : res;
  } catch (err) {
    if (codeOf(err) === PATCH_EXPIRED_CODE && card) return resend(lark, prisma, row, card, content, clock);
    throw err;
  }
}

/** Sends the card afresh where the old one went (with this row's uuid, so a retry is the same message) and remembers it. */
async function resend(lark: LarkClient, prisma: PrismaClient, row: Row, card: CardRow, content: string, clock: Clock): Promise<unknown> {
  const to = card.op === 'create' ? { type: card.receiveIdType!, id: card.receiveId! } : { type: 'chat_id', id: card.chatKey! };
  const res = await lark.im.v1.message.create({
    params: { receive_id_type: to.type as 'open_id' },
    data: { receive_id: to.id, msg_type: 'interactive', content, uuid: row.uuid },
  });
  const messageId = res?.code === 0 ? res.data?.message_id : undefined;
  if (messageId) await prisma.outboxMessage.update({ where: { id: card.id }, data: { messageId, sentAt: clock.now() } });
  return res;
}

/**
 * Finishes a card callback answered late (after the 2.5 s budget, with a "working on it" toast): the clicked card is
 * updated with the callback's token through POST /open-apis/interactive/v1/card/update. Past the token's 30 minutes,
 * or when Feishu refuses the token, the card is patched by its message id instead, so the result is never dropped.
 */
async function cardUpdate(lark: LarkClient, prisma: PrismaClient, row: Row, clock: Clock): Promise<unknown> {
  const c = JSON.parse(row.content) as CardUpdateContent;
  if (c.token && clock.now().getTime() - Date.parse(c.issuedAt) < CARD_TOKEN_TTL_MS) {
    try {
      const res = await lark.request({ url: '/open-apis/interactive/v1/card/update', method: 'POST', data: { token: c.token, card: c.card } });
      if (codeOf(res) === 0) return res;
    } catch (err) {
      const kind = classifyError(err).kind;
      if (kind === 'rate_limited' || kind === 'transient') throw err;
    }
  }
  if (!row.patchMessageId) return { code: -1, msg: 'the card token expired and the clicked card is unknown' };
  return patch(lark, prisma, row, JSON.stringify(c.card), clock);
}
