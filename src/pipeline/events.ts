/** Why: turns Feishu's raw schema-2.0 payloads into the two small shapes the rest of the bot works with. */

export interface Mention {
  key: string;
  openId?: string;
  name?: string;
}

export interface InboundMessage {
  kind: 'message';
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string;
  senderType: string;
  messageType: string;
  /** The text with @-mention keys stripped and whitespace trimmed ('' for non-text messages). */
  text: string;
  mentions: Mention[];
  mentionedBot: boolean;
}

export interface InboundCardAction {
  kind: 'card';
  eventId: string;
  operatorOpenId: string;
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  option?: string;
  inputValue?: string;
  tag?: string;
  messageId?: string;
  chatId?: string;
}

export type Inbound = InboundMessage | InboundCardAction;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export class MalformedEventError extends Error {
  constructor(what: string) {
    super(`Malformed event: ${what}. Feishu's schema-2.0 payloads always carry it; check the sender of this request.`);
    this.name = 'MalformedEventError';
  }
}

export function parseText(messageType: string, content: string | undefined): string {
  if (messageType !== 'text' || !content) return '';
  try {
    const parsed = JSON.parse(content) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text : '';
  } catch {
    return '';
  }
}

/**
 * Removes the bot's own `@_user_N` key and any @all from a text, and turns every other mention into `@ou_…`, so a
 * command such as `/role grant @张三 inspector` can see whom it names.
 */
export function stripMentions(text: string, mentions: Mention[], botOpenId: string | null = null): string {
  let out = text;
  for (const m of mentions) {
    if (!m.key) continue;
    const isBot = botOpenId ? m.openId === botOpenId : false;
    out = out.split(m.key).join(isBot || !m.openId || m.key === '@_all' ? ' ' : ` @${m.openId} `);
  }
  return out.replace(/@_all\b/g, ' ').replace(/\s+/g, ' ').trim();
}

export function normalizeMessage(eventId: string, event: Record<string, unknown>, botOpenId: string | null): InboundMessage {
  const sender = obj(event.sender);
  const message = obj(event.message);
  if (!sender || !message) throw new MalformedEventError('event.sender and event.message');
  const senderId = obj(sender.sender_id);
  const chatId = str(message.chat_id);
  const messageId = str(message.message_id);
  if (!chatId || !messageId) throw new MalformedEventError('message.chat_id and message.message_id');
  const mentions: Mention[] = (Array.isArray(message.mentions) ? message.mentions : []).flatMap((m: unknown) => {
    const mm = obj(m);
    if (!mm || typeof mm.key !== 'string') return [];
    return [{ key: mm.key, openId: str(obj(mm.id)?.open_id), name: str(mm.name) }];
  });
  const messageType = str(message.message_type) ?? 'unknown';
  // Lone surrogates (a cut emoji) are refused by the database and by Feishu: make the text well-formed at the door.
  const raw = parseText(messageType, str(message.content)).toWellFormed();
  // When we do not know our own open_id, any real mention counts (better to answer than to go silent).
  const mentionedBot = botOpenId ? mentions.some((m) => m.openId === botOpenId) : mentions.some((m) => !!m.openId);
  return {
    kind: 'message',
    eventId,
    messageId,
    chatId,
    chatType: str(message.chat_type) === 'p2p' ? 'p2p' : 'group',
    senderOpenId: str(senderId?.open_id) ?? '',
    senderType: str(sender.sender_type) ?? 'unknown',
    messageType,
    text: stripMentions(raw, mentions, botOpenId ?? mentions.find((m) => mentionedBot && m.openId)?.openId ?? null),
    mentions,
    mentionedBot,
  };
}

export function normalizeCardAction(eventId: string, event: Record<string, unknown>): InboundCardAction {
  const operator = obj(event.operator);
  const action = obj(event.action);
  const context = obj(event.context);
  const operatorOpenId = str(operator?.open_id);
  if (!operatorOpenId || !action) throw new MalformedEventError('event.operator.open_id and event.action');
  return {
    kind: 'card',
    eventId,
    operatorOpenId,
    value: obj(action.value) ?? {},
    formValue: obj(action.form_value),
    option: str(action.option),
    inputValue: str(action.input_value),
    tag: str(action.tag),
    messageId: str(context?.open_message_id),
    chatId: str(context?.open_chat_id),
  };
}
