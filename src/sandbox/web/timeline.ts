/** Why: the fake records only the bot's messages; the page needs each chat's whole conversation, in the order it happened. */
import type { FakeFeishu, FakeMessage } from '../fake/index.ts';

interface UserEntry {
  seq: number;
  kind: 'user';
  id: string;
  chatId: string;
  from: string;
  text: string;
  mentionBot: boolean;
  at: Date;
  error?: string;
}

interface BotEntry {
  seq: number;
  kind: 'bot';
  id: string;
  chatId: string;
}

/** One message as the page's JSON endpoint gives it. `sig` changes whenever what is shown changes (e.g. a patch). */
export interface MessageView {
  id: string;
  kind: 'user' | 'bot';
  senderId: string;
  senderName: string;
  at: string;
  time: string;
  msgType: string;
  text?: string;
  mentionBot?: boolean;
  card?: unknown;
  patches: number;
  replyTo?: string;
  error?: string;
  /** The bot marked this message urgent (加急) for someone. */
  urgent?: boolean;
  sig: string;
}

/** `2026-11-26 周四 10:32` in the bot's time zone, so the page shows sandbox time the way the bot reasons about it. */
export function formatTime(d: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('zh-CN', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.weekday} ${parts.hour}:${parts.minute}`;
}

export class Timeline {
  private entries: Array<UserEntry | BotEntry> = [];
  private seen = 0;
  private seq = 0;

  constructor(private readonly fake: FakeFeishu, private readonly names: (openId: string) => string, private readonly timeZone: string) {}

  /** Takes in the bot messages the fake recorded since the last call (before a user message is added, and on every read). */
  sync(): void {
    const all = this.fake.messages;
    if (this.seen > all.length) this.seen = 0;
    while (this.seen < all.length) {
      const m = all[this.seen++]!;
      this.entries.push({ seq: ++this.seq, kind: 'bot', id: m.message_id, chatId: m.chat_id });
    }
  }

  /** Records what a person typed, right before it is delivered to the bot. */
  addUser(m: { id: string; chatId: string; from: string; text: string; mentionBot: boolean; at: Date }): void {
    this.sync();
    this.entries.push({ seq: ++this.seq, kind: 'user', ...m });
  }

  /** Marks a typed message whose delivery failed (the page shows why). */
  fail(id: string, error: string): void {
    const e = this.entries.find((x) => x.kind === 'user' && x.id === id) as UserEntry | undefined;
    if (e) e.error = error;
  }

  /** Forget everything (after `fake.clear()` on reset). */
  clear(): void {
    this.entries = [];
    this.seen = 0;
  }

  /** How many messages each chat has. */
  counts(): Record<string, number> {
    this.sync();
    const out: Record<string, number> = {};
    for (const e of this.entries) out[e.chatId] = (out[e.chatId] ?? 0) + 1;
    return out;
  }

  chat(chatId: string): MessageView[] {
    this.sync();
    const out: MessageView[] = [];
    for (const e of this.entries) {
      if (e.chatId !== chatId) continue;
      if (e.kind === 'user') {
        out.push({
          id: e.id, kind: 'user', senderId: e.from, senderName: this.names(e.from), at: e.at.toISOString(), time: formatTime(e.at, this.timeZone),
          msgType: 'text', text: e.text, mentionBot: e.mentionBot, patches: 0, error: e.error, sig: `${e.id}:${e.error ?? ''}`,
        });
        continue;
      }
      const m = this.fake.message(e.id);
      if (m) out.push(this.botView(m));
    }
    return out;
  }

  private botView(m: FakeMessage): MessageView {
    const view: MessageView = {
      id: m.message_id, kind: 'bot', senderId: this.fake.botOpenId, senderName: this.names(this.fake.botOpenId), at: m.createdAt.toISOString(), time: formatTime(m.createdAt, this.timeZone),
      msgType: m.msg_type, patches: m.patches.length, replyTo: m.replyTo, sig: `${m.message_id}:${m.patches.length}:${m.updatedAt.getTime()}`,
    };
    if (this.fake.surfaces.urgents.some((u) => u.messageId === m.message_id)) {
      view.urgent = true;
      view.sig += ':urgent';
    }
    if (m.msg_type === 'interactive') view.card = m.card;
    else if (m.msg_type === 'text') view.text = textOf(m.content);
    else view.text = `[${m.msg_type}]`;
    return view;
  }
}

function textOf(content: string): string {
  try {
    const t = (JSON.parse(content) as { text?: unknown }).text;
    return typeof t === 'string' ? t : content;
  } catch {
    return content;
  }
}
