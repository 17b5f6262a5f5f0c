/** Why: the first time a person opens their chat with the bot (and whenever their roles change) they see what they can do, one button each. */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import type { EventHandler } from '../pipeline/router.ts';
import type { BaseContext, CardContext, NoticeContext } from '../pipeline/context.ts';
import { FIRST_CONTACT_ACTIONS, welcomeCard, type FirstContactKey, type WelcomeFacts } from '../cards/welcome.ts';

/** What the welcome card needs to know about this person now. */
export async function welcomeFacts(ctx: BaseContext, openId: string): Promise<WelcomeFacts> {
  const { roles, campaigns } = ctx.services;
  const grants = await roles.grantsOf(openId);
  const current = await campaigns.current();
  const apps = await ctx.deps.prisma.application.count({ where: { managerOpenId: openId } });
  return { roles: [...new Set(grants.map((g) => g.role))], applying: current?.status === 'OPEN', campaign: !!current, hasApplications: apps > 0 };
}

/**
 * im.chat.access_event.bot_p2p_chat_entered_v1 fires every time someone opens the chat, so the card is sent once per
 * person and set of roles (the outbox's dedupe key): a new role brings a new welcome, a tenth visit does not.
 */
export const welcomeOnEnter: EventHandler = {
  kind: 'p2p_entered',
  async handle(ctx: NoticeContext) {
    const facts = await welcomeFacts(ctx, ctx.userId);
    const roleKey = [...facts.roles].sort().join('+') || 'none';
    await ctx.reply(welcomeCard(ctx.deps.messages, facts), `welcome:${ctx.userId}:${roleKey}`);
  },
};

/** Runs one first-contact key for the person: the command as if typed, or the usage of one that needs arguments. */
export async function doFirstContact(ctx: BaseContext & { run?: (text: string) => Promise<void> }, key: FirstContactKey, send: (text: string) => Promise<unknown>): Promise<void> {
  const action: { run?: string; usage?: string } = FIRST_CONTACT_ACTIONS[key];
  if (action.run && ctx.run) await ctx.run(action.run);
  else if (action.usage) await send(ctx.t('welcome.howto', { usage: ctx.t(action.usage) }));
}

export const value = z.object({
  a: z.literal('welcome.do'),
  key: z.enum(Object.keys(FIRST_CONTACT_ACTIONS) as [FirstContactKey, ...FirstContactKey[]]),
});

/** A welcome card button: does what it says in the clicker's own chat with the bot, and says so with a toast. */
export const welcomeDo = defineCardAction({
  action: 'welcome.do',
  value,
  async handle(ctx: CardContext, v) {
    await doFirstContact(ctx, v.key, (text) => ctx.sendToUser(ctx.userId, text));
    return ctx.toast('success', ctx.t('welcome.done_toast'));
  },
});
