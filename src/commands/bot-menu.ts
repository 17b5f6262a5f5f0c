/** Why: the bot menu (申报 / 我的申报 / 评选状态 / 帮助) answers in the person's chat, as the typed command would. */
import type { EventHandler } from '../pipeline/router.ts';
import type { NoticeContext } from '../pipeline/context.ts';
import type { InboundMenu } from '../pipeline/events.ts';
import { FIRST_CONTACT_ACTIONS, type FirstContactKey } from '../cards/welcome.ts';
import { campaignStatus } from './campaign-status.ts';
import { doFirstContact } from './welcome.ts';
import { userText } from '../cards/markdown.ts';
import { card, md } from '../cards/common.ts';

/** The menu's event keys, as set up in 开发者后台 (README, "The bot menu"). Any welcome key also works. */
export const MENU_KEYS = ['apply', 'my_applications', 'campaign_status', 'help'] as const satisfies readonly FirstContactKey[];

/**
 * 评选状态 for people without a staff role: the full status card is staff-only, so they get the current round's name,
 * status and deadline instead of a refusal.
 */
async function publicStatus(ctx: NoticeContext): Promise<void> {
  const c = await ctx.services.campaigns.current();
  if (!c) {
    await ctx.reply(ctx.t('menu.status_none'));
    return;
  }
  const deadline = c.milestones.find((m) => m.key === 'apply_deadline')?.startsOn ?? ctx.t('menu.status_no_deadline');
  await ctx.reply(card(ctx.t('campaign.status_title', { name: userText(c.name, 60) }), [
    md(ctx.t('menu.status_public', { name: userText(c.name, 60), status: ctx.t(`status.${c.status}`), deadline })),
  ]));
}

export const botMenu: EventHandler = {
  kind: 'menu',
  async handle(ctx: NoticeContext, inbound) {
    const key = (inbound as InboundMenu).eventKey;
    if (!(key in FIRST_CONTACT_ACTIONS)) {
      await ctx.reply(ctx.t('menu.unknown', { key: userText(key, 30) }));
      await ctx.run('/help');
      return;
    }
    if (key === 'campaign_status' && !(await ctx.services.roles.allows(ctx.userId, campaignStatus.roles)).ok) {
      await publicStatus(ctx);
      return;
    }
    await doFirstContact(ctx, key as FirstContactKey, (text) => ctx.reply(text));
  },
};
