/** Why: `/results announce` (/命名表彰): after publicity, names the units (第六条), moves the round to ANNOUNCED and commends them in every group. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { latestCampaign, plain } from './inspection-shared.ts';
import { groupsOf } from './results-publish.ts';
import { compareDates, asLocalDate } from '../domain/dates.ts';
import { commendationCard } from '../cards/results.ts';
import { userText } from '../cards/markdown.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

export const resultsAnnounce = defineCommand({
  name: 'results announce',
  triggers: ['/results announce', '/命名表彰'],
  summaryKey: 'commands.results_announce',
  roles: ['secretariat'],
  args,
  async handle(ctx) {
    const { campaigns, results, directory } = ctx.services;
    const campaign = await latestCampaign(ctx, ['OPEN', 'CLOSED', 'ANNOUNCED']);
    if (!campaign) {
      await ctx.reply(ctx.t('inspection.no_campaign'));
      return;
    }
    const name = plain(campaign.name, 40);
    if (campaign.status === 'OPEN') {
      await ctx.reply(ctx.t('results.close_first', { name, action: ctx.t('results.action_announce') }));
      return;
    }
    const round = await results.round(campaign.id);
    if (campaign.status === 'ANNOUNCED' && round.announcedAt) {
      await ctx.reply(ctx.t('results.already_announced', { name }));
      return;
    }
    if (!round.publishedAt || !round.publishedList || !round.publicityEndsOn) {
      await ctx.reply(ctx.t('results.publish_first'));
      return;
    }
    if (compareDates(ctx.today(), asLocalDate(round.publicityEndsOn)) <= 0) {
      await ctx.reply(ctx.t('results.publicity_running', { endsOn: round.publicityEndsOn }));
      return;
    }
    // CLOSED → ANNOUNCED through the audited store; a campaign already moved (a resumed event) just finishes posting.
    if (campaign.status === 'CLOSED' && !(await campaigns.move(ctx.userId, campaign.id, 'CLOSED', 'ANNOUNCED'))) {
      const now = await campaigns.get(campaign.id);
      if (now?.status !== 'ANNOUNCED') {
        await ctx.reply(ctx.t('results.announce_failed', { status: ctx.t(`status.${now?.status ?? 'ARCHIVED'}`) }));
        return;
      }
    }
    await results.markAnnounced(ctx.userId, campaign.id);
    let groups = 0;
    for (const region of await directory.regions()) {
      if (!region.chatId) continue;
      const body = commendationCard(ctx.deps.messages, { campaign: userText(campaign.name, 40), region: userText(region.name, 20), groups: groupsOf(ctx, round.publishedList, region.id) });
      await ctx.sendToChat(region.chatId, body, `commend:${campaign.id}:region:${region.id}`);
      groups++;
    }
    const units = round.publishedList.reduce((s, g) => s + g.units.length, 0);
    const objections = await ctx.deps.prisma.objection.count({ where: { campaignId: campaign.id } });
    await ctx.reply(ctx.t('results.announced', { name, units, groups, objections }));
  },
});
