/** Why: the bot must see events exactly as Feishu sends them (shape, signature, encryption, redelivery) to be tested honestly. */
// Signing: x-lark-signature = sha256_hex(timestamp + nonce + encryptKey + rawBody), sent only when an encrypt key is set.
// Encryption: AES-256-CBC, PKCS7, key = sha256(encryptKey), random 16-byte IV prepended, base64 → {"encrypt":"…"}.
// That is the inverse of Feishu's published decryption (vector: key "test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="
// → "hello world"). Shapes follow im.message.receive_v1 and card.action.trigger (schema 2.0) as documented by Feishu.
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '../../log.ts';
import { validateCard } from './cards.ts';
import { hex, type FakeState, type StoredMessage } from './state.ts';
import type { CardActionDelivery, DeliveryForge, DeliveryResponse, MessageDelivery } from './types.ts';

export function encryptPayload(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function decryptPayload(encryptKey: string, encrypted: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const buf = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

export function signPayload(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + rawBody).digest('hex');
}

export interface DeliverMessageOptions extends DeliveryForge {
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

export interface DeliverCardActionOptions extends DeliveryForge {
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
  logger?: Logger;
  deliveryTimeoutMs?: number;
}

export class Deliverer {
  endpoint?: string;
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
    const eventId = o.eventId ?? hex(16);
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
        token: `c-${hex(20)}`,
        action,
        host: 'im_message',
        context: { open_message_id: o.messageId, open_chat_id: o.chatId ?? msg?.chat_id ?? '' },
      },
    };
    const responses = await this.send(event, o, o.redeliver ?? 0);
    const first = responses[0]!;
    const out: CardActionDelivery = { eventId, status: first.status, body: first.body, responses, cardApplied: false };
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

  async deliverChallenge(o: { encrypted?: boolean } & DeliveryForge = {}): Promise<{ challenge: string; status: number; body: unknown; responses: DeliveryResponse[] }> {
    const challenge = randomUUID();
    const payload = { challenge, token: this.d.verificationToken, type: 'url_verification' };
    const responses = await this.send(payload, { ...o, encrypt: o.encrypt ?? (o.encrypted === true && !!this.d.encryptKey) }, 0);
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

  private async send(payload: unknown, forge: DeliveryForge, redeliver: number): Promise<DeliveryResponse[]> {
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
