/**
 * Why: `/results announce` (/命名表彰): after publicity and 复选, names the units (第六条), moves the round to ANNOUNCED
 * and commends them in every group. The decision (src/domain/results-round.ts), both status changes, their audit rows
 * and every group's card are one transaction, so a crash leaves the round announced to all groups or to none.
 */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { latestCampaign, plain } from './inspection-shared.ts';
import { groupsOf, roundRefusalText } from './results-publish.ts';
import { commendationCard } from '../cards/results.ts';
import { userText } from '../cards/markdown.ts';
import { toChat } from '../pipeline/context.ts';
import { decideRound } from '../domain/results-round.ts';
import { decideCampaign } from '../domain/campaign.ts';
import { recheckItems, roundFacts } from '../store/recheck.ts';
import type { PublishedList } from '../store/results.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

/** The published list without the units dropped in 复选. */
export function namedList(list: PublishedList, dropped: ReadonlySet<number>): PublishedList {
  return list.map((g) => ({ ...g, units: g.units.filter((u) => !dropped.has(u.applicationId)) }));
}

export const resultsAnnounce = defineCommand({
  name: 'results announce',
  triggers: ['/results announce', '/命名表彰'],
  summaryKey: 'commands.results_announce',
  roles: ['secretariat'],
  args,
  async handle(ctx) {
    const { campaigns, results } = ctx.services;
    const campaign = await latestCampaign(ctx, ['OPEN', 'CLOSED', 'ANNOUNCED']);
    if (!campaign) {
      await ctx.reply(ctx.t('inspection.no_campaign'));
      return;
    }
    const name = plain(campaign.name, 40);
    const r = await ctx.deps.atomic.run(async (w) => {
      const actor = await w.actor(ctx.userId);
      const { facts, round } = await roundFacts(w.tx, results, campaign.id, ctx.today(), ctx.services.process.recheck.required);
      const d = decideRound(actor, facts, { kind: 'announce' });
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: 'results.announce', target: `campaign:${campaign.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed') return d;
      // The campaign moves CLOSED → ANNOUNCED with the round (a campaign moved already by an older release is left as it is).
      const current = (await campaigns.get(campaign.id, w.tx))!;
      const move = decideCampaign(actor, { status: current.status }, 'announce');
      if (move.kind === 'refused') throw new Error(`campaign #${campaign.id} cannot be announced from ${current.status}: ${move.refusal.code}`);
      if (move.kind === 'allowed') await campaigns.moveIn(w, ctx.userId, campaign.id, move);
      const dropped = new Set((await recheckItems(w.tx, campaign.id)).filter((i) => i.status === 'DROPPED').map((i) => i.applicationId));
      const list = namedList(round.publishedList ?? [], dropped);
      const units = list.reduce((n, g) => n + g.units.length, 0);
      if (!(await results.markAnnouncedIn(w, ctx.userId, campaign.id, units))) return { kind: 'noop' as const, state: 'ANNOUNCED' as const };
      const regions = await w.tx.region.findMany({ where: { chatId: { not: null } }, orderBy: { id: 'asc' } });
      const cards = regions.map((region) =>
        toChat(region.chatId!, commendationCard(ctx.deps.messages, { campaign: userText(campaign.name, 40), region: userText(region.name, 20), groups: groupsOf(ctx, list, region.id) }), `commend:${campaign.id}:region:${region.id}`),
      );
      const objections = await w.tx.objection.count({ where: { campaignId: campaign.id } });
      await w.send([...cards, ctx.replyOutbound(ctx.t('results.announced', { name, units, groups: regions.length, objections }))]);
      return d;
    });
    if (r.kind === 'refused') await ctx.reply(roundRefusalText(ctx, r.refusal, campaign, 'announce'));
    else if (r.kind === 'noop') await ctx.reply(ctx.t('results.already_announced', { name }));
  },
});
