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
  /** The callback's card token: lets the bot update the clicked card later (30 minutes, twice) when it answers late. */
  token?: string;
}

/** A person opened their chat with the bot (im.chat.access_event.bot_p2p_chat_entered_v1). */
export interface InboundP2pEntered {
  kind: 'p2p_entered';
  eventId: string;
  operatorOpenId: string;
  chatId?: string;
  /** Empty when the chat has no messages yet: a first meeting. */
  lastMessageId?: string;
}

/** A click on the bot's menu (application.bot.menu_v6): it carries no chat, only who clicked and the item's key. */
export interface InboundMenu {
  kind: 'menu';
  eventId: string;
  operatorOpenId: string;
  eventKey: string;
  chatId?: undefined;
}

/** The bot was added to a group (im.chat.member.bot.added_v1). */
export interface InboundBotAdded {
  kind: 'bot_added';
  eventId: string;
  chatId: string;
  operatorOpenId?: string;
  chatName?: string;
}

/** Events that are neither a message nor a card callback: the first contacts. */
export type InboundNotice = InboundP2pEntered | InboundMenu | InboundBotAdded;
export type Inbound = InboundMessage | InboundCardAction | InboundNotice;

/** Every event type the bot subscribes to (README, 事件与回调); WS mode registers exactly these. */
export const HANDLED_EVENT_TYPES = [
  'im.message.receive_v1',
  'card.action.trigger',
  'im.chat.access_event.bot_p2p_chat_entered_v1',
  'application.bot.menu_v6',
  'im.chat.member.bot.added_v1',
] as const;

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
    token: str(event.token),
  };
}

/** The three first-contact events, or null for a type this file does not know. */
export function normalizeNotice(eventId: string, eventType: string, event: Record<string, unknown>): InboundNotice | null {
  if (eventType === 'im.chat.access_event.bot_p2p_chat_entered_v1') {
    const openId = str(obj(event.operator_id)?.open_id);
    if (!openId) throw new MalformedEventError('event.operator_id.open_id');
    return { kind: 'p2p_entered', eventId, operatorOpenId: openId, chatId: str(event.chat_id), lastMessageId: str(event.last_message_id) || undefined };
  }
  if (eventType === 'application.bot.menu_v6') {
    const openId = str(obj(obj(event.operator)?.operator_id)?.open_id);
    const eventKey = str(event.event_key);
    if (!openId || !eventKey) throw new MalformedEventError('event.operator.operator_id.open_id and event.event_key');
    return { kind: 'menu', eventId, operatorOpenId: openId, eventKey };
  }
  if (eventType === 'im.chat.member.bot.added_v1') {
    const chatId = str(event.chat_id);
    if (!chatId) throw new MalformedEventError('event.chat_id');
    return { kind: 'bot_added', eventId, chatId, operatorOpenId: str(obj(event.operator_id)?.open_id), chatName: str(event.name) };
  }
  return null;
}
