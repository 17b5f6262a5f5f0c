/** Why: the bot must see events exactly as Feishu sends them (shape, signature, encryption, redelivery) to be tested honestly. */
// Shapes follow im.message.receive_v1, card.action.trigger, im.chat.access_event.bot_p2p_chat_entered_v1,
// application.bot.menu_v6 and im.chat.member.bot.added_v1 (schema 2.0) as documented by Feishu and typed by the SDK.
// Webhook deliveries are signed and encrypted (crypto.ts); over the long connection (ws.ts) the same JSON travels plain.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.ts';
import { validateCard } from './cards.ts';
import { encryptPayload, signPayload } from './crypto.ts';
import { hex, type FakeState, type StoredMessage } from './state.ts';
import type { CardActionDelivery, DeliveryForge, DeliveryResponse, MessageDelivery } from './types.ts';
import type { WsDeliverOptions, WsGateway } from './ws.ts';

export { encryptPayload, decryptPayload, signPayload } from './crypto.ts';

/** How an event reaches the bot: POSTed to its webhook, or pushed over its long connection. */
export type Transport = 'webhook' | 'ws';
export interface TransportOptions {
  /** Default: the fake's current transport (setTransport). */
  via?: Transport;
  /** Long connection only: which connection, fragmenting, a lost answer (see WsDeliverOptions). */
  ws?: WsDeliverOptions;
}

export interface DeliverMessageOptions extends DeliveryForge, TransportOptions {
  from: string;
  chatId?: string;
  chatType: 'p2p' | 'group';
  text: string;
  mentionBot?: boolean;
  /** Other people mentioned; keys @_user_N follow the bot's; a key not already written in `text` is put before it. */
  mentions?: Array<{ openId: string; name?: string }>;
  senderType?: 'user' | 'app';
  eventId?: string;
  messageId?: string;
  /** The user replies to this message (sets root_id/parent_id, and thread_id when the parent has one). */
  replyTo?: string;
  /** Send the identical body this many extra times (Feishu's at-least-once redelivery). */
  redeliver?: number;
}

export interface DeliverCardActionOptions extends DeliveryForge, TransportOptions {
  operator: string;
  value: Record<string, unknown>;
  messageId: string;
  chatId?: string;
  formValue?: Record<string, unknown>;
  option?: string;
  inputValue?: string;
  tag?: string;
  /** The clicked component's name (form submit buttons report it). */
  name?: string;
  eventId?: string;
  redeliver?: number;
}

export interface DelivererDeps {
  state: FakeState;
  appId: string;
  tenantKey: string;
  verificationToken: string;
  encryptKey?: string;
  botOpenId: string;
  botName: string;
  validateCards(): boolean;
  ws: WsGateway;
  logger?: Logger;
  deliveryTimeoutMs?: number;
}

/** Any other event, as its `event` object; the header is added. */
export interface DeliverEventOptions extends DeliveryForge, TransportOptions {
  eventId?: string;
  redeliver?: number;
}

const DAY_MS = 86_400_000;

export class Deliverer {
  endpoint?: string;
  transport: Transport = 'webhook';
  constructor(private readonly d: DelivererDeps) {}

  async deliverMessage(o: DeliverMessageOptions): Promise<MessageDelivery> {
    const { state } = this.d;
    const user = state.ensureUser(o.from);
    let chatId = o.chatId;
    if (o.chatType === 'p2p') {
      chatId ??= state.ensureP2p(o.from).chatId;
      if (!state.chats.get(chatId)) state.addChat({ chatId, name: user.name, type: 'p2p', members: [o.from] });
    } else {
      if (!chatId) throw new Error('deliverMessage: a group message needs chatId');
      const chat = state.chats.get(chatId) ?? state.addChat({ chatId, name: chatId, type: 'group', members: [] });
      if (!chat.members.includes(o.from)) chat.members.push(o.from);
    }
    const mentions = [
      ...(o.mentionBot ? [{ openId: this.d.botOpenId, name: this.d.botName, bot: true }] : []),
      ...(o.mentions ?? []).map((m) => ({ openId: m.openId, name: m.name ?? state.ensureUser(m.openId).name, bot: false })),
    ].map((m, i) => {
      const u = m.bot ? undefined : state.ensureUser(m.openId);
      const id = { union_id: u?.unionId ?? `on_${hex(16)}`, user_id: u?.userId ?? '', open_id: m.openId };
      return { key: `@_user_${i + 1}`, id, name: m.name, tenant_key: this.d.tenantKey };
    });
    // Keys the caller already placed in the text stay where they are (as in "/role grant @_user_2 …"); others lead.
    const text = [...mentions.filter((m) => !new RegExp(`${m.key}(?!\\d)`).test(o.text)).map((m) => m.key), o.text].join(' ');
    const parent: StoredMessage | undefined = o.replyTo ? state.all.get(o.replyTo) : undefined;
    const messageId = o.messageId ?? `om_${hex(16)}`;
    const now = String(state.now());
    const content = JSON.stringify({ text });
    state.storeUserMessage({
      message_id: messageId, chat_id: chatId, msg_type: 'text', content, sender: { kind: 'user', openId: o.from },
      root_id: parent ? (parent.root_id ?? parent.message_id) : undefined, parent_id: parent?.message_id,
      thread_id: parent?.thread_id,
    });
    const eventId = o.eventId ?? hex(16);
    const event = {
      schema: '2.0',
      header: this.header(eventId, 'im.message.receive_v1', now),
      event: {
        sender: {
          sender_id: { union_id: user.unionId, user_id: user.userId, open_id: user.openId },
          sender_type: o.senderType ?? 'user',
          tenant_key: this.d.tenantKey,
        },
        message: {
          message_id: messageId,
          ...(parent ? { root_id: parent.root_id ?? parent.message_id, parent_id: parent.message_id } : {}),
          create_time: now,
          update_time: now,
          chat_id: chatId,
          ...(parent?.thread_id ? { thread_id: parent.thread_id } : {}),
          chat_type: o.chatType,
          message_type: 'text',
          content,
          ...(mentions.length ? { mentions } : {}),
        },
      },
    };
    const responses = await this.send(event, o, o.redeliver ?? 0);
    return { eventId, messageId, chatId, event, responses };
  }

  async deliverCardAction(o: DeliverCardActionOptions): Promise<CardActionDelivery> {
    const { state } = this.d;
    const user = state.ensureUser(o.operator);
    const msg = state.all.get(o.messageId);
    // Card JSON 2.0: a card can be interacted with for 14 days; after that the client sends no callback at all.
    if (msg?.sender.kind === 'app' && state.now() - msg.createTime > 14 * DAY_MS) {
      throw new Error(`fake feishu: card ${o.messageId} was sent ${Math.floor((state.now() - msg.createTime) / DAY_MS)} days ago; JSON 2.0 cards take clicks for 14 days only, so Feishu would deliver no callback`);
    }
    const eventId = o.eventId ?? hex(16);
    const token = `c-${hex(20)}`;
    if (msg) state.cardTokens.set(token, { messageId: msg.message_id, issuedAt: state.now(), uses: 0 });
    const action: Record<string, unknown> = { value: o.value, tag: o.tag ?? 'button' };
    if (o.option !== undefined) action.option = o.option;
    if (o.formValue !== undefined) action.form_value = o.formValue;
    if (o.inputValue !== undefined) action.input_value = o.inputValue;
    if (o.name !== undefined) action.name = o.name;
    action.timezone = 'Asia/Shanghai';
    const event = {
      schema: '2.0',
      // card.action.trigger's create_time is in microseconds in Feishu's samples.
      header: this.header(eventId, 'card.action.trigger', String(state.now() * 1000)),
      event: {
        operator: { tenant_key: this.d.tenantKey, user_id: user.userId, open_id: user.openId, union_id: user.unionId },
        token,
        action,
        host: 'im_message',
        context: { open_message_id: o.messageId, open_chat_id: o.chatId ?? msg?.chat_id ?? '' },
      },
    };
    const responses = await this.send(event, o, o.redeliver ?? 0);
    const first = responses[0]!;
    const grant = state.cardTokens.get(token);
    if (grant) grant.answeredAt = state.now();
    const out: CardActionDelivery = { eventId, token, status: first.status, body: first.body, responses, cardApplied: false };
    const card = (first.body as { card?: { type?: string; data?: unknown } } | undefined)?.card;
    if (first.status === 200 && !first.late && card?.type === 'raw' && msg?.sender.kind === 'app') {
      const check = this.d.validateCards() ? validateCard(card.data) : ({ ok: true } as const);
      if (check.ok) {
        state.applyPatch(msg, JSON.stringify(card.data));
        out.cardApplied = true;
      } else out.cardError = check;
    }
    return out;
  }

  /** Any schema-2.0 event: `event` as Feishu puts it under "event" (see test/fixtures/feishu/). */
  async deliverEvent(eventType: string, event: Record<string, unknown>, o: DeliverEventOptions = {}): Promise<{ eventId: string; responses: DeliveryResponse[] }> {
    const eventId = o.eventId ?? hex(16);
    const payload = { schema: '2.0', header: this.header(eventId, eventType, String(this.d.state.now())), event };
    return { eventId, responses: await this.send(payload, o, o.redeliver ?? 0) };
  }

  /** A person opens their chat with the bot (im.chat.access_event.bot_p2p_chat_entered_v1). */
  deliverP2pEntered(o: { user: string; lastMessageId?: string } & DeliverEventOptions) {
    const u = this.d.state.ensureUser(o.user);
    const chat = this.d.state.ensureP2p(o.user);
    return this.deliverEvent('im.chat.access_event.bot_p2p_chat_entered_v1', {
      chat_id: chat.chatId,
      operator_id: { union_id: u.unionId, user_id: u.userId, open_id: u.openId },
      last_message_id: o.lastMessageId ?? '',
      last_message_create_time: o.lastMessageId ? String(this.d.state.now() - 60_000) : '',
    }, o);
  }

  /** A person clicks an item of the bot's menu whose action is 推送事件 (application.bot.menu_v6). */
  deliverMenu(o: { user: string; eventKey: string } & DeliverEventOptions) {
    const u = this.d.state.ensureUser(o.user);
    return this.deliverEvent('application.bot.menu_v6', {
      operator: { operator_name: u.name, operator_id: { union_id: u.unionId, user_id: u.userId, open_id: u.openId } },
      event_key: o.eventKey,
      timestamp: this.d.state.now(),
    }, o);
  }

  /** Someone adds the bot to a group (im.chat.member.bot.added_v1); the bot becomes a member. */
  deliverBotAdded(o: { chatId: string; operator: string; name?: string } & DeliverEventOptions) {
    const { state } = this.d;
    const u = state.ensureUser(o.operator);
    const chat = state.chats.get(o.chatId) ?? state.addChat({ chatId: o.chatId, name: o.name ?? o.chatId, type: 'group', members: [o.operator] });
    chat.botMember = true;
    return this.deliverEvent('im.chat.member.bot.added_v1', {
      chat_id: chat.chatId,
      operator_id: { union_id: u.unionId, user_id: u.userId, open_id: u.openId },
      external: false,
      operator_tenant_key: this.d.tenantKey,
      name: chat.name,
      i18n_names: { zh_cn: chat.name, en_us: '', ja_jp: '' },
    }, o);
  }

  async deliverChallenge(o: { encrypted?: boolean } & DeliveryForge = {}): Promise<{ challenge: string; status: number; body: unknown; responses: DeliveryResponse[] }> {
    const challenge = randomUUID();
    const payload = { challenge, token: this.d.verificationToken, type: 'url_verification' };
    const responses = await this.send(payload, { ...o, via: 'webhook', encrypt: o.encrypt ?? (o.encrypted === true && !!this.d.encryptKey) }, 0);
    return { challenge, status: responses[0]!.status, body: responses[0]!.body, responses };
  }

  /** Post a body exactly as given (no signing, no encryption) for hostile tests. */
  async deliverRaw(body: string, headers: Record<string, string> = {}): Promise<DeliveryResponse> {
    return this.post(body, { 'content-type': 'application/json', ...headers });
  }

  private header(eventId: string, eventType: string, createTime: string) {
    return {
      event_id: eventId, event_type: eventType, create_time: createTime, token: this.d.verificationToken,
      app_id: this.d.appId, tenant_key: this.d.tenantKey,
    };
  }

  private async send(payload: unknown, forge: DeliveryForge & TransportOptions, redeliver: number): Promise<DeliveryResponse[]> {
    if ((forge.via ?? this.transport) === 'ws') {
      const out: DeliveryResponse[] = [];
      for (let i = 0; i <= redeliver; i++) {
        const r = await this.d.ws.deliver(payload, forge.ws);
        // The answer frame's code is an HTTP-like status (200, or 500 when the handler threw).
        out.push({ status: r.code, body: r.body, text: r.body === undefined ? '' : JSON.stringify(r.body), elapsedMs: r.elapsedMs, late: r.elapsedMs > 3000, connections: r.connections });
      }
      return out;
    }
    const key = this.d.encryptKey;
    const encrypt = forge.encrypt ?? !!key;
    if (encrypt && !key) throw new Error('delivery: encryption requested but the fake has no encryptKey');
    const json = JSON.stringify(payload);
    const raw = encrypt ? JSON.stringify({ encrypt: encryptPayload(key!, json) }) : json;
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (key || forge.signature !== undefined || forge.timestamp !== undefined) {
      const timestamp = forge.timestamp ?? String(Math.floor(this.d.state.now() / 1000));
      const nonce = forge.nonce ?? hex(8);
      headers['x-lark-request-timestamp'] = timestamp;
      headers['x-lark-request-nonce'] = nonce;
      headers['x-lark-signature'] = forge.signature ?? signPayload(timestamp, nonce, key ?? '', raw);
    }
    Object.assign(headers, forge.headers);
    const out: DeliveryResponse[] = [];
    for (let i = 0; i <= redeliver; i++) out.push(await this.post(raw, headers));
    return out;
  }

  private async post(raw: string, headers: Record<string, string>): Promise<DeliveryResponse> {
    if (!this.endpoint) throw new Error('fake feishu: call setBotEndpoint(url) before delivering events');
    const started = performance.now();
    const res = await fetch(this.endpoint, {
      method: 'POST', headers, body: raw, signal: AbortSignal.timeout(this.d.deliveryTimeoutMs ?? 10_000),
    });
    const text = await res.text();
    const elapsedMs = performance.now() - started;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    this.d.logger?.debug({ status: res.status, elapsedMs: Math.round(elapsedMs) }, 'fake feishu: delivered');
    return { status: res.status, body, text, elapsedMs, late: elapsedMs > 3000 };
  }
}
