/** Why: `/results publish [--until 日期]` (/公示名单): the secretariat posts each region's proposed list to its group for public comment (公示). */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand, splitOptions } from './types.ts';
import { latestCampaign, tierLabel, plain } from './inspection-shared.ts';
import { compareDates, parseUserDate, type LocalDate } from '../domain/dates.ts';
import type { PublishedList } from '../store/results.ts';
import type { CampaignView } from '../store/campaigns.ts';
import type { MessageContext } from '../pipeline/context.ts';
import { publicityCard, type ListedGroup } from '../cards/results.ts';
import { userText } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .transform((w) => splitOptions(w))
  .transform((a, ctx) => {
    const raw = a.options.until ?? a.options['截止'];
    if (a.positional.length) ctx.addIssue({ code: 'custom', message: 'args.publish_shape' });
    if (raw === undefined) return { until: undefined as LocalDate | undefined };
    const d = parseUserDate(raw);
    if (!d.ok) {
      ctx.addIssue({ code: 'custom', message: 'args.bad_date', params: { label: '--until', value: cut(raw, 20) } });
      return z.NEVER;
    }
    return { until: d.date };
  });

/** Every region's selected units (within quota and passing), by tier; and how many candidates still await a check. */
export async function selectedList(ctx: MessageContext, campaign: CampaignView): Promise<{ list: PublishedList; pending: number }> {
  const list: PublishedList = [];
  let pending = 0;
  for (const region of await ctx.services.directory.regions()) {
    for (const tier of campaign.tiers) {
      const s = await ctx.services.results.standing(campaign.id, region.id, tier);
      pending += s.pending.length;
      const units = s.ranked.filter((r) => r.selected).map((r) => ({ applicationId: r.candidate.applicationId, unitName: r.candidate.name, bankName: r.candidate.bankName, total: r.candidate.total, rank: r.rank }));
      list.push({ regionId: region.id, regionName: region.name, tier, units });
    }
  }
  return { list, pending };
}

/** One region's part of a published list, shaped for a card. */
export function groupsOf(ctx: MessageContext, list: PublishedList, regionId: number): ListedGroup[] {
  return list.filter((g) => g.regionId === regionId).map((g) => ({ tier: tierLabel(ctx, g.tier), units: g.units.map((u) => ({ unit: u.unitName, bank: u.bankName, total: u.total })) }));
}

export const resultsPublish = defineCommand({
  name: 'results publish',
  triggers: ['/results publish', '/公示名单'],
  summaryKey: 'commands.results_publish',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const campaign = await latestCampaign(ctx, ['OPEN', 'CLOSED']);
    if (!campaign) {
      await ctx.reply(ctx.t('inspection.no_campaign'));
      return;
    }
    if (campaign.status === 'OPEN') {
      await ctx.reply(ctx.t('results.close_first', { name: plain(campaign.name, 40), action: ctx.t('results.action_publish') }));
      return;
    }
    const round = await ctx.services.results.round(campaign.id);
    if (round.publishedAt) {
      await ctx.reply(ctx.t('results.already_published', { endsOn: round.publicityEndsOn ?? '' }));
      return;
    }
    const milestone = campaign.milestones.find((m) => m.key === 'publicity');
    const endsOn = a.until ?? milestone?.endsOn ?? milestone?.startsOn;
    if (!endsOn) {
      await ctx.reply(ctx.t('results.no_publicity_date'));
      return;
    }
    if (compareDates(endsOn, ctx.today()) < 0) {
      await ctx.reply(ctx.t('results.publicity_past', { endsOn }));
      return;
    }
    const { list, pending } = await selectedList(ctx, campaign);
    if (!(await ctx.services.results.publish(ctx.userId, campaign.id, list, endsOn))) {
      await ctx.reply(ctx.t('results.already_published', { endsOn }));
      return;
    }
    let groups = 0;
    for (const region of await ctx.services.directory.regions()) {
      if (!region.chatId) continue;
      const body = publicityCard(ctx.deps.messages, { campaign: userText(campaign.name, 40), region: userText(region.name, 20), endsOn, groups: groupsOf(ctx, list, region.id), campaignId: campaign.id, regionId: region.id });
      await ctx.sendToChat(region.chatId, body, `publicity:${campaign.id}:region:${region.id}`);
      groups++;
    }
    const units = list.reduce((s, g) => s + g.units.length, 0);
    const warn = pending ? '\n' + ctx.t('results.pending_warning', { n: pending }) : '';
    await ctx.reply(ctx.t('results.published', { units, groups, endsOn }) + warn);
  },
});
