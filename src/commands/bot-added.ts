/** Why: when someone adds the bot to a group, the group learns who can bind it to a region, and how. */
import type { EventHandler } from '../pipeline/router.ts';
import type { NoticeContext } from '../pipeline/context.ts';
import type { InboundBotAdded } from '../pipeline/events.ts';
import { card, hr, md } from '../cards/common.ts';
import { userText } from '../cards/markdown.ts';

export const botAdded: EventHandler = {
  kind: 'bot_added',
  async handle(ctx: NoticeContext, inbound) {
    const { chatId } = inbound as InboundBotAdded;
    const region = await ctx.services.directory.regionByChat(chatId);
    const body = region ? ctx.t('group.bound', { region: userText(region.name, 30) }) : ctx.t('group.body');
    await ctx.reply(card(ctx.t('group.title'), [md(body), hr(), md(ctx.t('group.footer'))], region ? 'green' : 'blue'));
  },
};
