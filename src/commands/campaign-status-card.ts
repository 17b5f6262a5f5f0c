/** Why: the 查看评选状态 button on reminders answers with the live status card; in a region's group it shows that region only. */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { statusCard, campaignStatus } from './campaign-status.ts';

export const value = z.object({
  a: z.literal('campaign.status_card'),
  id: z.coerce.number().int().positive(),
});

export const campaignStatusCard = defineCardAction({
  action: 'campaign.status_card',
  value,
  async handle(ctx, v) {
    const c = await ctx.services.campaigns.get(v.id);
    if (!c) return ctx.toast('warning', ctx.t('reminders.status_gone'));
    // The answer replaces the card for everyone who sees it: in a region's bound group it shows that region only,
    // whoever clicks; elsewhere (a p2p reminder) it needs a staff role, as /campaign status does, and shows every region.
    const region = ctx.action.chatId ? await ctx.services.directory.regionByChat(ctx.action.chatId) : null;
    const staff = region ? false : (await ctx.services.roles.allows(ctx.userId, campaignStatus.roles)).ok;
    if (!staff && !region) {
      const roles = (campaignStatus.roles ?? []).map((r) => ctx.t(`roles.${r}`)).join(' / ');
      return ctx.toast('error', ctx.t('reminders.status_forbidden', { roles }));
    }
    const card = await statusCard(ctx.deps, c, ctx.today(), { regionIds: region ? [region.id] : undefined, refresh: true });
    return ctx.toast('info', ctx.t('reminders.status_toast'), card);
  },
});
