/** Why: the fake's memory (directory, tokens, messages, uuid window, files) kept apart from HTTP so routes stay thin. */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { FakeChat, FakeMessage, FakeUser, RecordedCall } from './types.ts';

export const HOUR_MS = 3_600_000;
export const TOKEN_TTL_S = 7200;
/** Feishu returns the current token while ≥ 30 min remain, a new one below that (tenant_access_token_internal doc). */
const TOKEN_REUSE_MIN_MS = 30 * 60_000;

/** Every message the fake knows: the bot's (with its public record) and users' (from delivered events). */
export interface StoredMessage {
  message_id: string;
  chat_id: string;
  msg_type: string;
  content: string;
  root_id?: string;
  parent_id?: string;
  thread_id?: string;
  sender: { kind: 'app' } | { kind: 'user'; openId: string };
  createTime: number;
  updateTime: number;
  updated: boolean;
  record?: FakeMessage;
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const derive = (prefix: string, seed: string, len: number) =>
  prefix + createHash('sha256').update(seed).digest('hex').slice(0, len);

export class FakeState {
  readonly users = new Map<string, FakeUser>();
  readonly chats = new Map<string, FakeChat>();
  readonly all = new Map<string, StoredMessage>();
  readonly messages: FakeMessage[] = [];
  readonly calls: RecordedCall[] = [];
  readonly files = new Map<string, { name: string; type: string; size: number }>();
  /** Card callback tokens (延时更新): the clicked card, when issued, when the callback was answered, how often used. */
  readonly cardTokens = new Map<string, { messageId: string; issuedAt: number; answeredAt?: number; uses: number }>();
  private readonly uuids = new Map<string, { messageId: string; at: number }>();
  private readonly tokens = new Map<string, number>();
  private current?: string;

  constructor(
    readonly clock: Clock,
    readonly appId: string,
    readonly tenantKey: string,
    private readonly tokenTtlS = TOKEN_TTL_S,
  ) {}

  now(): number {
    return this.clock.now().getTime();
  }

  // ---- directory ----
  addUser(u: { openId: string; name: string; userId?: string; unionId?: string; enName?: string; email?: string }): FakeUser {
    const user: FakeUser = {
      openId: u.openId,
      name: u.name,
      userId: u.userId ?? derive('u', u.openId, 8),
      unionId: u.unionId ?? derive('on_', u.openId, 32),
      enName: u.enName,
      email: u.email,
    };
    this.users.set(u.openId, user);
    return user;
  }

  ensureUser(openId: string): FakeUser {
    return this.users.get(openId) ?? this.addUser({ openId, name: openId });
  }

  findUser(idType: string, id: string): FakeUser | undefined {
    if (idType === 'open_id') return this.users.get(id);
    for (const u of this.users.values()) {
      if ((idType === 'user_id' && u.userId === id) || (idType === 'union_id' && u.unionId === id)) return u;
      if (idType === 'email' && u.email === id) return u;
    }
    return undefined;
  }

  addChat(c: { chatId: string; name: string; type: 'group' | 'p2p'; members: string[]; botMember?: boolean }): FakeChat {
    for (const m of c.members) this.ensureUser(m);
    const chat: FakeChat = {
      chatId: c.chatId, name: c.name, type: c.type, members: [...new Set(c.members)], botMember: c.botMember ?? true,
    };
    this.chats.set(c.chatId, chat);
    return chat;
  }

  p2pChatId(openId: string): string {
    return `oc_p2p_${openId}`;
  }

  /** The bot's p2p chat with a user: an added p2p chat holding them, else a stable `oc_p2p_<open_id>` made on first use. */
  ensureP2p(openId: string): FakeChat {
    const existing = this.p2pChatOf(openId);
    if (existing) return existing;
    const user = this.ensureUser(openId);
    return this.addChat({ chatId: this.p2pChatId(openId), name: user.name, type: 'p2p', members: [openId] });
  }

  p2pChatOf(openId: string): FakeChat | undefined {
    const byId = this.chats.get(this.p2pChatId(openId));
    if (byId) return byId;
    for (const c of this.chats.values()) if (c.type === 'p2p' && c.members[0] === openId) return c;
    return undefined;
  }

  // ---- tokens ----
  issueToken(): { token: string; expire: number } {
    const now = this.now();
    const exp = this.current ? this.tokens.get(this.current) : undefined;
    if (this.current && exp !== undefined && exp - now >= TOKEN_REUSE_MIN_MS) {
      return { token: this.current, expire: Math.floor((exp - now) / 1000) };
    }
    const token = `t-${hex(20)}`;
    this.tokens.set(token, now + this.tokenTtlS * 1000);
    this.current = token;
    return { token, expire: this.tokenTtlS };
  }

  tokenState(token: string): 'ok' | 'invalid' | 'expired' {
    const exp = this.tokens.get(token);
    if (exp === undefined) return 'invalid';
    return exp > this.now() ? 'ok' : 'expired';
  }

  revokeTokens(): void {
    this.tokens.clear();
    this.current = undefined;
  }

  // ---- messages ----
  /** The message a uuid already produced within the last hour (per clock), if any. */
  byUuid(uuid: string): StoredMessage | undefined {
    const hit = this.uuids.get(uuid);
    if (!hit || this.now() - hit.at >= HOUR_MS) return undefined;
    return this.all.get(hit.messageId);
  }

  createBotMessage(m: {
    chatId: string; receiveId: string; receiveIdType: string; msgType: string; content: string;
    uuid?: string; parent?: StoredMessage; replyInThread?: boolean;
  }): StoredMessage {
    const now = this.now();
    const at = new Date(now);
    const id = `om_${hex(16)}`;
    const root = m.parent ? (m.parent.root_id ?? m.parent.message_id) : undefined;
    const threadId = m.parent ? (m.parent.thread_id ?? (m.replyInThread ? `omt_${hex(8)}` : undefined)) : undefined;
    const record: FakeMessage = {
      message_id: id, chat_id: m.chatId, receive_id: m.receiveId, receive_id_type: m.receiveIdType,
      msg_type: m.msgType, content: m.content, originalContent: m.content,
      card: m.msgType === 'interactive' ? safeParse(m.content) : undefined, patches: [], uuid: m.uuid,
      replyTo: m.parent?.message_id, root_id: root, thread_id: threadId, createdAt: at, updatedAt: at,
    };
    const stored: StoredMessage = {
      message_id: id, chat_id: m.chatId, msg_type: m.msgType, content: m.content, root_id: root,
      parent_id: m.parent?.message_id, thread_id: threadId, sender: { kind: 'app' },
      createTime: now, updateTime: now, updated: false, record,
    };
    if (m.parent && threadId && !m.parent.thread_id) m.parent.thread_id = threadId;
    this.all.set(id, stored);
    this.messages.push(record);
    if (m.uuid) this.uuids.set(m.uuid, { messageId: id, at: now });
    return stored;
  }

  storeUserMessage(m: Omit<StoredMessage, 'createTime' | 'updateTime' | 'updated'>): StoredMessage {
    const now = this.now();
    const stored: StoredMessage = { ...m, createTime: now, updateTime: now, updated: false };
    this.all.set(m.message_id, stored);
    return stored;
  }

  applyPatch(stored: StoredMessage, content: string): void {
    const now = this.now();
    stored.content = content;
    stored.updateTime = now;
    stored.updated = true;
    if (stored.record) {
      stored.record.content = content;
      stored.record.card = stored.msg_type === 'interactive' ? safeParse(content) : undefined;
      stored.record.patches.push(content);
      stored.record.updatedAt = new Date(now);
    }
  }

  /** The message object as Feishu's message APIs answer it. */
  toApi(s: StoredMessage): Record<string, unknown> {
    const sender =
      s.sender.kind === 'app'
        ? { id: this.appId, id_type: 'app_id', sender_type: 'app', tenant_key: this.tenantKey }
        : { id: s.sender.openId, id_type: 'open_id', sender_type: 'user', tenant_key: this.tenantKey };
    return {
      message_id: s.message_id,
      ...(s.root_id ? { root_id: s.root_id } : {}),
      ...(s.parent_id ? { parent_id: s.parent_id } : {}),
      ...(s.thread_id ? { thread_id: s.thread_id } : {}),
      msg_type: s.msg_type,
      create_time: String(s.createTime),
      update_time: String(s.updateTime),
      deleted: false,
      updated: s.updated,
      chat_id: s.chat_id,
      sender,
      body: { content: s.content },
    };
  }

  /** Forget messages, calls, uuids and files; keep the directory and tokens. */
  clear(): void {
    this.all.clear();
    this.messages.length = 0;
    this.calls.length = 0;
    this.uuids.clear();
    this.files.clear();
    this.cardTokens.clear();
  }
}

export function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
