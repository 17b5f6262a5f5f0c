/** Why: `/results publish [--until 日期]` (/公示名单): the secretariat posts each region's proposed list to its group for public comment (公示). */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand, splitOptions } from './types.ts';
import { latestCampaign, tierLabel, plain } from './inspection-shared.ts';
import { parseUserDate, type LocalDate } from '../domain/dates.ts';
import { decideRound } from '../domain/results-round.ts';
import type { Refusal } from '../domain/decision.ts';
import { roundFacts } from '../store/recheck.ts';
import { toChat } from '../pipeline/context.ts';
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

/** The refusal in this command's own words where it has them (results.*), else the shared ones. */
export function roundRefusalText(ctx: MessageContext, r: Refusal, campaign: CampaignView, action: 'publish' | 'announce' | 'recheck'): string {
  const name = plain(campaign.name, 40);
  if (r.code === 'close_first') return ctx.t('results.close_first', { name, action: ctx.t(action === 'publish' ? 'results.action_publish' : 'results.action_announce') });
  if (r.code === 'publicity_past') return ctx.t('results.publicity_past', { endsOn: String(r.params?.endsOn ?? '') });
  if (r.code === 'publish_first') return ctx.t('results.publish_first');
  if (r.code === 'publicity_running') return ctx.t('results.publicity_running', { endsOn: String(r.params?.endsOn ?? '') });
  return ctx.refusalText(r);
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
    const milestone = campaign.milestones.find((m) => m.key === 'publicity');
    const endsOn = a.until ?? milestone?.endsOn ?? milestone?.startsOn;
    if (!endsOn) {
      await ctx.reply(ctx.t('results.no_publicity_date'));
      return;
    }
    // The proposed list is a snapshot of the rankings now; the decision, the record and every group's card are one transaction.
    const { list, pending } = campaign.status === 'CLOSED' ? await selectedList(ctx, campaign) : { list: [] as PublishedList, pending: 0 };
    const r = await ctx.deps.atomic.run(async (w) => {
      const { facts, round } = await roundFacts(w.tx, ctx.services.results, campaign.id, ctx.today(), ctx.services.process.recheck.required);
      const d = decideRound(await w.actor(ctx.userId), facts, { kind: 'publish', endsOn });
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: 'results.publish', target: `campaign:${campaign.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed') return { d, endsOn: round.publicityEndsOn ?? endsOn };
      await ctx.services.results.publishIn(w, ctx.userId, campaign.id, list, endsOn);
      const regions = await w.tx.region.findMany({ where: { chatId: { not: null } }, orderBy: { id: 'asc' } });
      const cards = regions.map((region) =>
        toChat(region.chatId!, publicityCard(ctx.deps.messages, { campaign: userText(campaign.name, 40), region: userText(region.name, 20), endsOn, groups: groupsOf(ctx, list, region.id), campaignId: campaign.id, regionId: region.id }), `publicity:${campaign.id}:region:${region.id}`),
      );
      const units = list.reduce((n, g) => n + g.units.length, 0);
      const warn = pending ? '\n' + ctx.t('results.pending_warning', { n: pending }) : '';
      await w.send([...cards, ctx.replyOutbound(ctx.t('results.published', { units, groups: regions.length, endsOn }) + warn)]);
      return { d, endsOn };
    });
    if (r.d.kind === 'refused') await ctx.reply(roundRefusalText(ctx, r.d.refusal, campaign, 'publish'));
    else if (r.d.kind === 'noop') await ctx.reply(ctx.t('results.already_published', { endsOn: r.endsOn }));
  },
});
