/** Why: the one place that turns an outbox row into its SDK call (send, reply, or patch a card). */
import type { PrismaClient } from '../store/db.ts';
import type { LarkClient } from './client.ts';
import type { Row } from './sender.ts';

/** A patch whose card is still waiting in the outbox: retried, never sent to a message id we do not know yet. */
export class UnsentPatchTarget extends Error {
  constructor() {
    super('the card to update is not sent yet');
    this.name = 'UnsentPatchTarget';
  }
}

export async function callFeishu(lark: LarkClient, prisma: PrismaClient, row: Row): Promise<unknown> {
  const im = lark.im.v1.message;
  if (row.op === 'create') {
    return im.create({ params: { receive_id_type: row.receiveIdType as 'open_id' }, data: { receive_id: row.receiveId!, msg_type: row.msgType, content: row.content, uuid: row.uuid } });
  }
  if (row.op === 'reply') {
    return im.reply({ path: { message_id: row.replyToId! }, data: { msg_type: row.msgType, content: row.content, uuid: row.uuid } });
  }
  let target = row.patchMessageId!;
  if (target.startsWith('outbox:')) {
    const ref = await prisma.outboxMessage.findUnique({ where: { id: Number(target.slice(7)) }, select: { status: true, messageId: true } });
    if (!ref || ref.status === 'failed') return { code: -1, msg: 'the card to update was never sent' };
    if (ref.status !== 'sent' || !ref.messageId) throw new UnsentPatchTarget();
    target = ref.messageId;
  }
  return im.patch({ path: { message_id: target }, data: { content: row.content } });
}
