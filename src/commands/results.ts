/** Why: `/results <地区> [等级]` (/检查结果): ranks a region's inspected candidates against its quota, ties broken by the documented rule. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { latestCampaign, tierLabel, plain } from './inspection-shared.ts';
import { tierFromInput } from '../store/cycle.ts';
import { standingCard, type StandingBlock } from '../cards/results.ts';
import { userText } from '../cards/markdown.ts';
import type { MessageContext } from '../pipeline/context.ts';
import type { RegionRow } from '../store/directory.ts';

export const args = z.array(z.string()).transform((w) => ({ words: w }));

/** The region named (or the caller's only region), checked against the caller's scope; a string is the refusal. */
export async function regionInScope(ctx: MessageContext, name: string | undefined): Promise<RegionRow | string> {
  const { directory, roles } = ctx.services;
  const scope = await roles.regionScope(ctx.userId);
  if (!name) {
    if (scope !== 'all' && scope.length === 1) return (await directory.regions()).find((r) => r.id === scope[0]) ?? ctx.t('results.which_region');
    return ctx.t('results.which_region');
  }
  const region = await directory.regionByName(name);
  if (!region) return ctx.t('quota.unknown_region', { region: plain(name, 30), known: (await directory.regions()).map((r) => r.name).join('、') || ctx.t('quota.none') });
  if (scope !== 'all' && !scope.includes(region.id)) {
    await ctx.refused(`results.region`, `region:${region.id}`, { code: 'region_scope', needRoles: ['secretariat', 'regional_admin'], params: { region: region.name } });
    return ctx.t('results.out_of_scope', { region: plain(region.name, 20) });
  }
  return region;
}

export const results = defineCommand({
  name: 'results',
  triggers: ['/results', '/检查结果'],
  summaryKey: 'commands.results',
  roles: ['secretariat', 'regional_admin'],
  args,
  async handle(ctx, a) {
    const campaign = await latestCampaign(ctx, ['OPEN', 'CLOSED', 'ANNOUNCED']);
    if (!campaign) {
      await ctx.reply(ctx.t('inspection.no_campaign'));
      return;
    }
    const words = [...a.words];
    const lastTier = words.length ? tierFromInput(ctx.services.cycle, words[words.length - 1]!) : null;
    if (lastTier) words.pop();
    const region = await regionInScope(ctx, words.join(' ').trim() || undefined);
    if (typeof region === 'string') {
      await ctx.reply(region);
      return;
    }
    const tiers = lastTier ? [lastTier] : campaign.tiers;
    const blocks: StandingBlock[] = [];
    for (const tier of tiers) {
      const s = await ctx.services.results.standing(campaign.id, region.id, tier);
      blocks.push({ tier: tierLabel(ctx, tier), quota: s.quota, ranked: s.ranked, pending: s.pending.map((p) => p.unit.name) });
    }
    await ctx.reply(standingCard(ctx.deps.messages, userText(region.name, 20), userText(campaign.name, 40), blocks));
  },
});
