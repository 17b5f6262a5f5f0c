/** Why: sends each event to its one handler: a command, the user's active dialog, a card action, or help. */
import type { Command, CardAction } from '../commands/types.ts';
import { tokenize } from '../commands/types.ts';
import { CardContext, MessageContext, NoticeContext, type CardResponse, type Deps } from './context.ts';
import type { InboundCardAction, InboundMessage, InboundNotice } from './events.ts';
import { sendUnknown } from '../commands/help.ts';

/** A dialog that can claim free text while it is active for a user. */
export interface TextFlow {
  name: string;
  /** Returns true when the text was consumed by an active session of this flow. */
  onText(ctx: MessageContext): Promise<boolean>;
}

/** Decides whether a caller may run a command; a refusal names the roles needed. */
export type Authorizer = (userId: string, cmd: Command<unknown>) => Promise<{ ok: true } | { ok: false; needed: readonly string[] }>;

/** What the bot does on a first-contact event (a p2p chat opened, a menu click, being added to a group). */
export interface EventHandler {
  kind: InboundNotice['kind'];
  handle(ctx: NoticeContext, inbound: InboundNotice): Promise<void>;
}

export interface RouterParts {
  commands: Command<unknown>[];
  cardActions: CardAction<unknown>[];
  flows: TextFlow[];
  events?: EventHandler[];
  authorize?: Authorizer;
  /** Whether `/help` lists a command for a caller (may use cached grants: it allows nothing by itself). */
  lists?: (userId: string, cmd: Command<unknown>) => Promise<boolean>;
}

export const MAX_TEXT_CHARS = 2000;

export class Router {
  private readonly actions = new Map<string, CardAction<unknown>>();

  constructor(private readonly deps: Deps, private readonly parts: RouterParts) {
    for (const a of parts.cardActions) this.actions.set(a.action, a);
  }

  /** Finds the command whose trigger matches the first words (longest trigger wins). */
  match(text: string): { cmd: Command<unknown>; rest: string[] } | null {
    const words = tokenize(text);
    let best: { cmd: Command<unknown>; rest: string[]; len: number } | null = null;
    for (const cmd of this.parts.commands) {
      for (const trig of cmd.triggers) {
        const tw = trig.split(/\s+/);
        if (tw.length > words.length || (best && tw.length <= best.len)) continue;
        if (tw.every((w, i) => w.toLowerCase() === words[i]!.toLowerCase())) best = { cmd, rest: words.slice(tw.length), len: tw.length };
      }
    }
    return best && { cmd: best.cmd, rest: best.rest };
  }

  private async visible(userId: string): Promise<Command<unknown>[]> {
    const out: Command<unknown>[] = [];
    for (const c of this.parts.commands) {
      const shown = this.parts.lists ? await this.parts.lists(userId, c) : !this.parts.authorize || (await this.parts.authorize(userId, c)).ok;
      if (shown) out.push(c);
    }
    return out;
  }

  async handleMessage(msg: InboundMessage): Promise<void> {
    const ctx = new MessageContext(this.deps, msg);
    // Help needs the caller's visible commands; work them out only when help is actually shown.
    Object.assign(ctx, { visibleCommands: () => this.visible(msg.senderOpenId) });
    const t = ctx.t;
    if (msg.messageType !== 'text') {
      await ctx.reply(t('errors.text_only'));
      return;
    }
    if (Array.from(msg.text).length > MAX_TEXT_CHARS) {
      await ctx.reply(t('errors.too_long', { max: MAX_TEXT_CHARS }));
      return;
    }
    const hit = this.match(msg.text);
    if (hit) {
      const { cmd, rest } = hit;
      if (this.parts.authorize) {
        const auth = await this.parts.authorize(msg.senderOpenId, cmd);
        if (!auth.ok) {
          // Every refusal is on the record (who, what, why) and in the log at info.
          await ctx.refused(cmd.name, `chat:${msg.chatId}`, { code: 'role', needRoles: auth.needed as never });
          await ctx.reply(t('errors.forbidden', { command: cmd.triggers[0] ?? cmd.name, roles: auth.needed.map((r) => t(`roles.${r}`)).join(' / ') }));
          return;
        }
      }
      const parsed = cmd.args.safeParse(rest);
      if (!parsed.success) {
        const usageKey = `${cmd.summaryKey}_usage`;
        // Argument schemas name their problems by prompt key (with params); zod's own messages are a fallback.
        const problem = parsed.error.issues
          .map((i) => (this.deps.messages.has(i.message) ? t(i.message, ((i as { params?: Record<string, string> }).params ?? {})) : t('args.generic')))
          .join('；');
        await ctx.reply(t('errors.bad_args', { problem, usage: this.deps.messages.has(usageKey) ? t(usageKey) : cmd.triggers[0] ?? cmd.name }));
        return;
      }
      await cmd.handle(ctx, parsed.data);
      return;
    }
    for (const flow of this.parts.flows) if (await flow.onText(ctx)) return;
    // Not understood: a short guess from the person's state (src/commands/help.ts), not the whole help card.
    await sendUnknown(ctx);
  }

  async handleCardAction(action: InboundCardAction): Promise<CardResponse> {
    const ctx = new CardContext(this.deps, action);
    ctx.run = (text) => this.runAs(action.operatorOpenId, `${action.eventId}:run`, text);
    const name = typeof action.value.a === 'string' ? action.value.a : undefined;
    const handler = name ? this.actions.get(name) : undefined;
    if (!handler) return ctx.toast('warning', ctx.t('errors.unknown_action'));
    const parsed = handler.value.safeParse(action.value);
    if (!parsed.success) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    return handler.handle(ctx, parsed.data);
  }

  /** Hands a first-contact event to its handler; one the bot has no handler for is acknowledged and dropped. */
  async handleEvent(notice: InboundNotice): Promise<void> {
    const handler = this.parts.events?.find((e) => e.kind === notice.kind);
    if (!handler) return;
    const openId = notice.operatorOpenId;
    const run = (text: string) => (openId ? this.runAs(openId, `${notice.eventId}:run`, text) : Promise.resolve());
    await handler.handle(new NoticeContext(this.deps, notice, run), notice);
  }

  /** Runs `text` as if the person had typed it in their chat with the bot, with every check a typed command gets. */
  runAs(openId: string, eventId: string, text: string): Promise<void> {
    return this.handleMessage({
      kind: 'message', eventId, messageId: '', chatId: '', chatType: 'p2p', senderOpenId: openId, senderType: 'user',
      messageType: 'text', text, mentions: [], mentionedBot: false,
    });
  }
}
