/** Why: what a command or flow handler gets: the dependencies, the inbound event, and ways to answer through the outbox. */
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { PrismaClient } from '../store/db.ts';
import type { HotStore } from '../store/hot.ts';
import type { Outbound, Sender } from '../send/sender.ts';
import type { Messages } from '../prompts/index.ts';
import type { InboundCardAction, InboundMessage, InboundNotice } from './events.ts';
import type { LarkClient } from '../send/client.ts';
import type { RoleService } from '../store/roles.ts';
import type { CampaignStore } from '../store/campaigns.ts';
import type { Directory } from '../store/directory.ts';
import type { CycleTemplate } from '../domain/calendar.ts';
import type { ApplyFlow } from '../flows/apply/flow.ts';
import type { ApplicationFlowServices } from '../flows/apply/services.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { ReminderSources } from '../scheduler/sources.ts';
import type { InspectionStore } from '../store/inspections.ts';
import type { ResultStore } from '../store/results.ts';
import type { RubricSet } from '../store/rubrics.ts';
import type { RulesService } from '../rules/service.ts';
import type { Surfaces } from '../surfaces/index.ts';
import { toLocalDate, type LocalDate } from '../domain/dates.ts';
import { audit as writeAudit } from '../store/audit.ts';
import { plainFromMd, textFromMd } from '../cards/markdown.ts';
import type { Atomic } from '../store/atomic.ts';
import type { ParticipationStore } from '../store/participation.ts';
import type { PlanChecklist, ProcessRules } from '../domain/process-rules.ts';
import type { Refusal } from '../domain/decision.ts';

/** The stores and data files handlers work with. */
export interface Services {
  roles: RoleService;
  campaigns: CampaignStore;
  directory: Directory;
  cycle: CycleTemplate;
  /** Deadline reminders: tick, preview, pause/resume, mute (src/scheduler). */
  reminders: Scheduler;
  /** Where reminders read applications' missing items and inspectors' schedules; other features may replace these. */
  reminderSources: ReminderSources;
  /** The application dialog and its lasting side (set by createApp once deps exist). */
  apply: { flow: ApplyFlow; app: ApplicationFlowServices };
  /** Inspection score sheets (prompts/zh-CN/rubrics), assignments and scores, and each round's results. */
  rubrics: RubricSet;
  inspections: InspectionStore;
  results: ResultStore;
  /** Questions about the 管理办法: the corpus and table indexed at start, asked questions and the secretariat's answers. */
  rules: RulesService;
  /** Feishu tasks, urgent escalation and the Base dashboard (issue 16): hooks for state changes, and a periodic tick. */
  surfaces: Surfaces;
  /** The readings of the 管理办法 that are ours, and per-person limits (prompts/zh-CN/process.yaml). */
  process: ProcessRules;
  /** What regions and banks file with 中银协 (备案, prompts/zh-CN/plans.yaml). */
  plans: PlanChecklist;
  /** 第十条 terminations and 备案 filings. */
  participation: ParticipationStore;
}

/** Everything long-lived that handlers share; built once by createApp. */
export interface Deps {
  config: Config;
  prisma: PrismaClient;
  /** Prepared statements for the per-event hot path (dedupe, event status, outbox). */
  fast: HotStore;
  sender: Sender;
  /** Runs a state change, its audit row and its outbox rows as one transaction; records refusals. */
  atomic: Atomic;
  clock: Clock;
  logger: Logger;
  messages: Messages;
  lark: LarkClient;
  botOpenId: () => string | null;
  services: Services;
}

export type Card = Record<string, unknown>;

/** The inline answer to a card callback: a toast and/or a replacement card (JSON 2.0). */
export interface CardResponse {
  toast?: { type: 'success' | 'info' | 'warning' | 'error'; content: string };
  card?: { type: 'raw'; data: Card };
}

/** Base for both kinds of handler context: sending helpers with stable dedupe keys derived from the event. */
export abstract class BaseContext {
  private seq = 0;
  constructor(readonly deps: Deps, readonly eventId: string) {}

  get t() {
    return this.deps.messages.t.bind(this.deps.messages);
  }

  get services(): Services {
    return this.deps.services;
  }

  /** Today's date where the bot runs (BOT_TIMEZONE). */
  today(): LocalDate {
    return toLocalDate(this.deps.clock.now(), this.deps.config.timezone);
  }

  /** Records a privileged act in the append-only audit log. */
  async audit(action: string, target: string, before: unknown, after: unknown): Promise<void> {
    await writeAudit(this.deps.prisma, { actorId: this.userId, action, target, before, after, at: this.deps.clock.now() });
  }

  abstract get userId(): string;

  /** The words for a refusal (prompts/zh-CN/messages/integrity.yaml), naming the roles or states that would allow it. */
  refusalText(r: Refusal): string {
    return refusalText(this.deps.messages, r);
  }

  /** Audits and logs a refusal decided outside a transaction. */
  async refused(act: string, target: string | undefined, refusal: Refusal): Promise<void> {
    await this.deps.atomic.refused({ actorId: this.userId, act, target, refusal });
  }

  /** A dedupe key unique to this event and this nth outbound message, so reprocessing an event never double-sends. */
  protected nextKey(): string {
    return `evt:${this.eventId}:${this.seq++}`;
  }

  /** Sends a text or card to a user's p2p chat. */
  async sendToUser(openId: string, body: string | Card, dedupeKey?: string): Promise<number> {
    const { id } = await this.deps.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: openId, ...asContent(body), dedupeKey: dedupeKey ?? this.nextKey() });
    return id;
  }

  /** Sends a text or card to a group chat. */
  async sendToChat(chatId: string, body: string | Card, dedupeKey?: string): Promise<number> {
    const { id } = await this.deps.sender.enqueue({ op: 'create', receiveIdType: 'chat_id', receiveId: chatId, ...asContent(body), dedupeKey: dedupeKey ?? this.nextKey() });
    return id;
  }

  /** Replaces a card the bot sent earlier (by Feishu message id, or by outbox id if it may not be sent yet). */
  async patchCard(target: { messageId: string } | { outboxId: number }, card: Card, chatId?: string): Promise<void> {
    await this.deps.sender.enqueue({ op: 'patch', msgType: 'interactive', content: card, chatId, dedupeKey: this.nextKey(), ...target });
  }
}

/**
 * Text messages render `<at user_id="…">` tags, so a user's words echoed back could @all a group. The bot never
 * mentions anyone in text, so every such tag in outgoing text is defanged here, in one place.
 */
export function defangText(text: string): string {
  return text.replace(/<\s*(\/?)\s*at\b/gi, '＜$1at');
}

/** A message to a person's p2p chat, for writing inside a transaction (Work.send). */
export function toUser(openId: string, body: string | Card, dedupeKey: string): Outbound {
  return { op: 'create', receiveIdType: 'open_id', receiveId: openId, ...asContent(body), dedupeKey };
}

/** A message to a group chat, for writing inside a transaction (Work.send). */
export function toChat(chatId: string, body: string | Card, dedupeKey: string): Outbound {
  return { op: 'create', receiveIdType: 'chat_id', receiveId: chatId, ...asContent(body), dedupeKey };
}

/** See BaseContext.refusalText. */
export function refusalText(m: Messages, r: Refusal): string {
  const params: Record<string, string | number> = { ...(r.params ?? {}) };
  params.roles = (r.needRoles ?? []).map((x) => m.t(`roles.${x}`)).join(' / ');
  params.states = (r.needStates ?? []).map((x) => (m.has(`state.${x}`) ? m.t(`state.${x}`) : x)).join(' / ');
  if (typeof params.state === 'string' && m.has(`state.${params.state}`)) params.state = m.t(`state.${params.state}`);
  if (typeof params.kind === 'string' && m.has(`refusal.party.${params.kind}`)) params.kind = m.t(`refusal.party.${params.kind}`);
  return m.has(`refusal.${r.code}`) ? m.t(`refusal.${r.code}`, params) : m.t('refusal.generic', { code: r.code });
}

/**
 * A string is a text message: user text in it (escaped for markdown by `userText`) shows its characters, with links,
 * styling and tags made harmless (textFromMd), and mentions defanged. An object is a card.
 */
export function asContent(body: string | Card): { msgType: 'text' | 'interactive'; content: object } {
  return typeof body === 'string' ? { msgType: 'text', content: { text: textFromMd(defangText(body)) } } : { msgType: 'interactive', content: body };
}

export class MessageContext extends BaseContext {
  constructor(deps: Deps, readonly msg: InboundMessage) {
    super(deps, msg.eventId);
  }

  get userId(): string {
    return this.msg.senderOpenId;
  }

  /** Replies in the same chat, as a reply to the user's message (with no message, as a menu click is, in p2p). */
  async reply(body: string | Card): Promise<number> {
    const { id } = await this.deps.sender.enqueue(this.replyOutbound(body));
    return id;
  }

  /**
   * The reply as an outbox row, for writing inside a transaction (Work.send) with the state change it reports. Its
   * dedupe key is this event's next one, so a resumed event's reply (however it ends) is not sent twice.
   */
  replyOutbound(body: string | Card): Outbound {
    // With no message to reply to (a menu click), the answer goes to the person's p2p chat.
    if (!this.msg.messageId) return toUser(this.msg.senderOpenId, body, this.nextKey());
    return {
      op: 'reply',
      replyToId: this.msg.messageId,
      chatId: this.msg.chatId,
      userId: this.msg.chatType === 'p2p' ? this.msg.senderOpenId : undefined,
      ...asContent(body),
      dedupeKey: this.nextKey(),
    };
  }
}

export class CardContext extends BaseContext {
  /** Runs a command as if the clicker had typed it to the bot (set by the router; a welcome card's buttons use it). */
  run?: (text: string) => Promise<void>;

  constructor(deps: Deps, readonly action: InboundCardAction) {
    super(deps, action.eventId);
  }

  get userId(): string {
    return this.action.operatorOpenId;
  }

  /** Posts a new message in the chat the card lives in (or the operator's p2p chat). */
  async reply(body: string | Card): Promise<number> {
    return this.action.chatId ? this.sendToChat(this.action.chatId, body) : this.sendToUser(this.action.operatorOpenId, body);
  }

  /** A toast is plain text: user text escaped for markdown is shown as its characters. */
  toast(type: NonNullable<CardResponse['toast']>['type'], content: string, card?: Card): CardResponse {
    const toast = { type, content: plainFromMd(content) };
    return card ? { toast, card: { type: 'raw', data: card } } : { toast };
  }
}

/** A first-contact event: answers go to the person's p2p chat, or to the group the bot was added to. */
export class NoticeContext extends BaseContext {
  constructor(deps: Deps, readonly notice: InboundNotice, readonly run: (text: string) => Promise<void>) {
    super(deps, notice.eventId);
  }

  get userId(): string {
    return this.notice.operatorOpenId ?? '';
  }

  async reply(body: string | Card, dedupeKey?: string): Promise<number> {
    return this.notice.kind === 'bot_added' ? this.sendToChat(this.notice.chatId, body, dedupeKey) : this.sendToUser(this.notice.operatorOpenId, body, dedupeKey);
  }
}
