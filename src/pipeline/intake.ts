/** Why: what happens to one event, as one ordered list of steps (verify → challenge → app_id → drop bots and self → dedupe → per-chat queue → route). */
import type { Router } from './router.ts';
import { AckGate, ChatQueue } from './queue.ts';
import { storedPayload } from '../store/retention.ts';
import { normalizeCardAction, normalizeMessage, normalizeNotice, type Inbound, type InboundCardAction } from './events.ts';
import { defangText, type CardResponse, type Deps } from './context.ts';
import type { Envelope } from '../receive/verify.ts';

export type EventEnvelope = Extract<Envelope, { kind: 'event' }>;

/** One request moving through the steps. A step either passes (returns nothing) or answers and stops the list. */
export interface IntakeItem {
  /** handoff: stored and acknowledged by the threaded mode's main thread, worked on here (src/worker/). */
  source: 'webhook' | 'ws' | 'recovery' | 'handoff';
  rawBody?: Buffer;
  headers?: Record<string, string | undefined>;
  body?: unknown;
  envelope?: EventEnvelope;
  inbound?: Inbound;
  /** For a resumed event: when it was first received (a resumed card click's token is valid 30 minutes from then). */
  receivedAt?: Date;
}
export type Answer = { status: number; body: unknown };
export type Step = { name: string; run(item: IntakeItem): Promise<Answer | void> | Answer | void };

export const ACK: Answer = { status: 200, body: {} };
/** Card callbacks are answered inline within 3 s; past this we answer "working on it" and finish in the background. */
export const CARD_INLINE_BUDGET_MS = 2500;

export async function runSteps(steps: Step[], item: IntakeItem): Promise<Answer> {
  for (const step of steps) {
    const answer = await step.run(item);
    if (answer) return answer;
  }
  return ACK;
}

/** A stored event row as an envelope for the steps (recovery after a restart, and the threaded mode's handoff). */
export function envelopeFromRow(row: { eventId: string; eventType: string; payload: string }): EventEnvelope {
  const raw = JSON.parse(row.payload) as Record<string, unknown>;
  const header = raw.header as Record<string, string>;
  return { kind: 'event', eventId: row.eventId, eventType: row.eventType, token: header?.token, appId: header?.app_id, event: (raw.event as Record<string, unknown>) ?? {}, raw };
}

export class Intake {
  readonly queue: ChatQueue;
  /** Events queued or running here. */
  readonly working = new Set<string>();
  /** Called when an event's handler has finished, failed or not (the threaded mode counts its events in flight). */
  onSettled: ((eventId: string) => void) | null = null;
  /** Called when an event's handler starts (the threaded mode tells which events a dying worker was working on). */
  onStarted: ((eventId: string) => void) | null = null;
  /** Requests read but not yet answered; while any wait, new handlers hold back (see ChatQueue). */
  readonly acks = new AckGate();
  /** How long a card callback may take before it is answered with a toast (tests shorten it). */
  inlineBudgetMs = CARD_INLINE_BUDGET_MS;

  constructor(private readonly deps: Deps, private readonly router: Router) {
    this.queue = new ChatQueue((err, key) => deps.logger.error({ err, chat: key }, 'event handler failed'), 4, this.acks);
  }

  /** The steps shared by webhook and WS mode, after the transport's own checks. */
  get steps(): Step[] {
    return [
      { name: 'normalize', run: (i) => this.normalize(i) },
      { name: 'drop bots and self', run: (i) => this.dropBotsAndSelf(i) },
      { name: 'group mention gate', run: (i) => this.mentionGate(i) },
      { name: 'dedupe', run: (i) => this.dedupe(i) },
      { name: 'per-chat queue and route', run: (i) => this.dispatch(i) },
    ];
  }

  private normalize(item: IntakeItem): Answer | void {
    const env = item.envelope!;
    if (env.eventType === 'im.message.receive_v1') item.inbound = normalizeMessage(env.eventId, env.event, this.deps.botOpenId());
    else if (env.eventType === 'card.action.trigger') item.inbound = normalizeCardAction(env.eventId, env.event);
    else {
      const notice = normalizeNotice(env.eventId, env.eventType, env.event);
      if (notice) item.inbound = notice;
      else {
        this.deps.logger.debug({ eventType: env.eventType }, 'event type not handled; acknowledged');
        return ACK;
      }
    }
  }

  private dropBotsAndSelf(item: IntakeItem): Answer | void {
    const m = item.inbound!;
    if (m.kind !== 'message') return;
    const self = this.deps.botOpenId();
    if (m.senderType !== 'user' || (self && m.senderOpenId === self)) return ACK;
  }

  private mentionGate(item: IntakeItem): Answer | void {
    const m = item.inbound!;
    if (m.kind === 'message' && m.chatType === 'group' && !m.mentionedBot) return ACK;
  }

  /**
   * Stores event_id, and a message's message_id (Feishu may redeliver one message under a new event_id), with the
   * payload, so work survives a crash after the ack; a duplicate of either is acknowledged and skipped.
   */
  private async dedupe(item: IntakeItem): Promise<Answer | void> {
    const env = item.envelope!;
    if (item.source === 'recovery' || item.source === 'handoff') return;
    const inbound = item.inbound!;
    const chatId = inbound.chatId ?? null;
    const messageId = inbound.kind === 'message' ? inbound.messageId : null;
    const inserted = await this.deps.fast.insertEvent({ eventId: env.eventId, eventType: env.eventType, chatId, messageId, payload: storedPayload(env.raw, this.deps.config.verificationToken), receivedAt: this.deps.clock.now(), queueKey: queueKeyOf(inbound) });
    if (inserted) return;
    // A row left 'received' by a crashed process, and not being worked on here, is worked on again.
    if ((await this.deps.fast.eventStatus(env.eventId)) === 'received' && !this.working.has(env.eventId)) return;
    this.deps.logger.debug({ eventId: env.eventId }, 'duplicate event skipped');
    // A redelivered card callback gets the answer the first delivery got (stored on PostgreSQL, by whichever instance).
    if (inbound.kind === 'card' && this.deps.fast.answerOf) {
      const answer = await this.deps.fast.answerOf(env.eventId).catch(() => undefined);
      if (answer) return { status: 200, body: answer };
    }
    return ACK;
  }

  private async dispatch(item: IntakeItem): Promise<Answer> {
    const inbound = item.inbound!;
    const key = queueKeyOf(inbound);
    this.working.add(inbound.eventId);
    // A card click resumed after a restart has nobody waiting for its inline answer: route delivers it (finishResumed).
    const resumed = item.source === 'recovery' && inbound.kind === 'card' ? (item.receivedAt ?? this.deps.clock.now()) : null;
    const work = this.queue.run(key, () => (this.deps.fast.withChat ? this.routeShared(key, inbound, resumed) : this.route(inbound, resumed)), inbound.kind === 'card');
    if (inbound.kind !== 'card' || resumed) {
      work.catch(() => undefined);
      return ACK;
    }
    // Threaded mode: the main thread answers Feishu and keeps the 2.5 s budget; here the answer is simply awaited.
    if (item.source === 'handoff') return work.then((body) => ({ status: 200, body: body ?? {} }), () => ({ status: 200, body: { toast: { type: 'error', content: this.deps.messages.t('errors.internal') } } }));
    return this.answerCard(inbound, work);
  }

  /** A card callback is answered inline, within the budget; see finishLate for what happens past it. */
  private async answerCard(inbound: InboundCardAction, work: Promise<unknown>): Promise<Answer> {
    // Past the budget the click is answered with a "working on it" toast, and the result, when it comes, still
    // reaches the card: through the callback's token (a delayed update), or as a message (see finishLate).
    const issuedAt = this.deps.clock.now();
    let answeredLate = false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Answer>((resolve) => {
      timer = setTimeout(() => {
        answeredLate = true;
        resolve({ status: 200, body: { toast: { type: 'info', content: this.deps.messages.t('card.working') } } });
      }, this.inlineBudgetMs);
    });
    work.then(
      (body) => (answeredLate ? this.finishLate(inbound, body as CardResponse | undefined, issuedAt) : undefined),
      () => (answeredLate ? this.finishLate(inbound, { toast: { type: 'error', content: this.deps.messages.t('errors.internal') } }, issuedAt) : undefined),
    ).catch((err) => this.deps.logger.error({ err, eventId: inbound.eventId }, 'could not queue the late answer to a card callback'));
    try {
      return await Promise.race([work.then((body) => ({ status: 200, body: body ?? {} })), late]);
    } catch {
      return { status: 200, body: { toast: { type: 'error', content: this.deps.messages.t('errors.internal') } } };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A card callback's answer that came after the toast: its card goes to the clicked card through the outbox (a
   * delayed update with the callback's token, valid 30 minutes; ops.ts patches by message id past that), and a toast
   * that would otherwise be lost (no card came with it, or it warns) reaches the person as a message.
   */
  async finishLate(a: InboundCardAction, body: CardResponse | undefined, issuedAt: Date): Promise<void> {
    const key = `evt:${a.eventId}:late`;
    if (body?.card) {
      await this.deps.sender.enqueue({ op: 'card_update', token: a.token, issuedAt, messageId: a.messageId, chatId: a.chatId, msgType: 'interactive', content: body.card.data, dedupeKey: `${key}:card` });
    }
    const toast = body?.toast;
    if (toast && (!body?.card || toast.type === 'warning' || toast.type === 'error')) {
      await this.deps.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: a.operatorOpenId, msgType: 'text', content: { text: toast.content }, dedupeKey: `${key}:toast` });
    }
  }

  /**
   * A card click resumed after a restart (it was acknowledged, then the process died): the clicked card gets its new
   * state (through the callback's token while it is valid, else by message id), and the toast — which nobody saw —
   * comes as a private message saying the click was finished after the restart. Keyed on the event, so once.
   */
  private async finishResumed(a: InboundCardAction, body: CardResponse | undefined, receivedAt: Date): Promise<void> {
    const key = `evt:${a.eventId}:resumed`;
    if (body?.card) {
      await this.deps.sender.enqueue({ op: 'card_update', token: a.token, issuedAt: receivedAt, messageId: a.messageId, chatId: a.chatId, msgType: 'interactive', content: body.card.data, dedupeKey: `${key}:card` });
    }
    const text = body?.toast?.content;
    if (text) {
      const note = defangText(this.deps.messages.t('card.resumed_result', { result: text }));
      await this.deps.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: a.operatorOpenId, msgType: 'text', content: { text: note }, dedupeKey: `${key}:toast` });
    }
  }

  /**
   * PostgreSQL, several instances: the chat's events run one at a time across instances (its advisory lock), older
   * unfinished ones first, whichever instance received them; an event another instance finished meanwhile is skipped.
   */
  private async routeShared(key: string, inbound: Inbound, resumed: Date | null): Promise<unknown> {
    return this.deps.fast.withChat!(key, inbound.eventId, async (older) => {
      for (const o of older) {
        if (this.working.has(o.eventId)) continue;
        const env = envelopeFromRow(o);
        const before = normalizeStored(env, this.deps.botOpenId());
        if (!before) continue;
        this.working.add(o.eventId);
        const answer = await this.route(before, before.kind === 'card' ? o.receivedAt : null).catch(() => undefined);
        if (before.kind === 'card') await this.deps.fast.storeAnswer?.(o.eventId, answer ?? {}).catch(() => undefined);
      }
      if ((await this.deps.fast.eventStatus(inbound.eventId)) !== 'received') {
        this.working.delete(inbound.eventId);
        return inbound.kind === 'card' ? await this.deps.fast.answerOf?.(inbound.eventId) : undefined;
      }
      const result = await this.route(inbound, resumed);
      if (inbound.kind === 'card' && this.deps.fast.storeAnswer) await this.deps.fast.storeAnswer(inbound.eventId, result ?? {}).catch(() => undefined);
      return result;
    });
  }

  /** Runs the handler, then marks the event done (or failed, with the reason) and tells the user if it failed. */
  private async route(inbound: Inbound, resumed: Date | null = null): Promise<unknown> {
    this.onStarted?.(inbound.eventId);
    try {
      const result =
        inbound.kind === 'message' ? await this.router.handleMessage(inbound)
        : inbound.kind === 'card' ? await this.router.handleCardAction(inbound)
        : await this.router.handleEvent(inbound);
      // Written before the event is marked done, so a crash in between resumes it (and the keys keep it to one answer).
      if (resumed && inbound.kind === 'card') await this.finishResumed(inbound, result as CardResponse | undefined, resumed);
      await this.deps.fast.finishEvent(inbound.eventId, 'done', null, this.deps.clock.now()).catch((err) => this.deps.logger.error({ err, eventId: inbound.eventId }, 'could not mark the event done; it may be worked on again after a restart (its replies are deduplicated)'));
      return result;
    } catch (err) {
      this.deps.logger.error({ err, eventId: inbound.eventId }, 'handler failed');
      await this.deps.fast.finishEvent(inbound.eventId, 'failed', String((err as Error)?.message ?? err).slice(0, 500), this.deps.clock.now()).catch(() => undefined);
      if (inbound.kind === 'message') {
        await this.deps.sender
          .enqueue({ op: 'reply', replyToId: inbound.messageId, chatId: inbound.chatId, msgType: 'text', content: { text: this.deps.messages.t('errors.internal') }, dedupeKey: `evt:${inbound.eventId}:error` })
          .catch(() => undefined);
      } else if (inbound.kind === 'card' && resumed) {
        await this.deps.sender
          .enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: inbound.operatorOpenId, msgType: 'text', content: { text: this.deps.messages.t('errors.internal') }, dedupeKey: `evt:${inbound.eventId}:error` })
          .catch(() => undefined);
      }
      throw err;
    } finally {
      this.working.delete(inbound.eventId);
      this.onSettled?.(inbound.eventId);
    }
  }

  /**
   * PostgreSQL, several instances: events left unfinished for `ageMs` (their instance may have died after the ack) are
   * worked on here; the per-chat lock and the status check in routeShared keep each to one run.
   */
  async resumeStale(ageMs: number): Promise<number> {
    if (!this.deps.fast.stale) return 0;
    const rows = await this.deps.fast.stale(new Date(this.deps.clock.now().getTime() - ageMs), 200);
    let resumed = 0;
    for (const row of rows) {
      if (this.working.has(row.eventId)) continue;
      resumed++;
      await runSteps(this.steps, { source: 'recovery', envelope: envelopeFromRow(row), receivedAt: row.receivedAt }).catch((err) => this.deps.logger.error({ err, eventId: row.eventId }, 'resuming a stale event failed'));
    }
    if (resumed) this.deps.logger.info({ resumed }, 'resumed events another instance left unfinished');
    return resumed;
  }

  /**
   * After a restart: events that were acknowledged but not finished are worked on now, oldest first: messages and card
   * callbacks alike (a callback's answer then arrives by card update and message, see finishResumed).
   */
  async recover(): Promise<number> {
    const rows = await this.deps.prisma.processedEvent.findMany({
      where: { status: 'received', eventType: { in: ['im.message.receive_v1', 'card.action.trigger'] } },
      orderBy: { receivedAt: 'asc' },
      take: 5000,
    });
    for (const row of rows) {
      await runSteps(this.steps, { source: 'recovery', envelope: envelopeFromRow(row), receivedAt: row.receivedAt }).catch((err) => this.deps.logger.error({ err, eventId: row.eventId }, 'recovery failed'));
    }
    return rows.length;
  }
}

/** A person's p2p texts, card clicks and menu clicks share one queue, so a dialog never sees two of its steps at once. */
export function queueKeyOf(inbound: Inbound): string {
  return inbound.kind === 'message' ? (inbound.chatType === 'group' ? inbound.chatId : `user:${inbound.senderOpenId}`)
    : inbound.kind === 'bot_added' ? inbound.chatId
    : `user:${inbound.operatorOpenId}`;
}

/** A stored message or card callback as the handlers take it (other kinds are never stored unfinished). */
function normalizeStored(env: EventEnvelope, botOpenId: string | null): Inbound | null {
  if (env.eventType === 'im.message.receive_v1') return normalizeMessage(env.eventId, env.event, botOpenId);
  if (env.eventType === 'card.action.trigger') return normalizeCardAction(env.eventId, env.event);
  return null;
}
