/** Why: `/quota set <region> 百佳=N 千佳=M` (/设置名额): the secretariat allocates places; the round's total stays within 第五条's 1,000. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand, splitOptions } from './types.ts';
import { validateQuotaChange, type QuotaEntry } from '../domain/quota.ts';
import { tierFromInput, tierName } from '../store/cycle.ts';
import { userText } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .transform((w) => splitOptions(w))
  .pipe(
    z.object({
      positional: z.array(z.string()).length(1, 'args.region_required'),
      options: z.record(z.string(), z.string()),
    }),
  )
  .transform((a, ctx) => {
    const { campaign, ...tiers } = a.options;
    const values: Array<{ tierInput: string; quota: number }> = [];
    let bad = false;
    for (const [tierInput, raw] of Object.entries(tiers)) {
      if (!/^\d{1,5}$/.test(raw.trim())) {
        ctx.addIssue({ code: 'custom', message: 'args.quota_number', params: { tier: cut(tierInput, 20), value: cut(raw, 20) } });
        bad = true;
        continue;
      }
      values.push({ tierInput, quota: Number(raw) });
    }
    if (!values.length && !bad) ctx.addIssue({ code: 'custom', message: 'args.quota_required' });
    return { region: a.positional[0]!, values, campaignId: campaign ? Number(campaign) : undefined };
  });

export const quotaSet = defineCommand({
  name: 'quota set',
  triggers: ['/quota set', '/设置名额'],
  summaryKey: 'commands.quota_set',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const { campaigns, directory, cycle } = ctx.services;
    const c = a.campaignId ? await campaigns.get(a.campaignId) : await campaigns.current();
    if (!c || ['ANNOUNCED', 'ARCHIVED'].includes(c.status)) {
      await ctx.reply(ctx.t('quota.no_campaign'));
      return;
    }
    const region = await directory.regionByName(a.region);
    if (!region) {
      const known = (await directory.regions()).map((r) => r.name).join('、') || ctx.t('quota.none');
      await ctx.reply(ctx.t('quota.unknown_region', { region: userText(a.region, 30), known }));
      return;
    }
    let table: QuotaEntry[] = (await campaigns.quotas(c.id)).map((q) => ({ region: String(q.regionId), tier: q.tier, quota: q.quota }));
    // 第五条's 1,000 is per round: 百佳 and 千佳 of every campaign of this 2-year cycle count together.
    const others = await ctx.deps.prisma.quota.aggregate({ _sum: { quota: true }, where: { campaignId: { not: c.id }, campaign: { cycle: c.cycle } } });
    const elsewhere = others._sum.quota ?? 0;
    const changes: Array<{ tier: string; quota: number; preselected: number }> = [];
    for (const v of a.values) {
      const tier = tierFromInput(cycle, v.tierInput);
      if (!tier || !c.tiers.includes(tier)) {
        await ctx.reply(ctx.t('campaign.unknown_tier', { tier: userText(v.tierInput, 20), known: c.tiers.map((t) => tierName(cycle, t)).join('、') }));
        return;
      }
      const preselected = await ctx.deps.prisma.application.count({ where: { campaignId: c.id, tier, status: 'PRESELECTED', unitId: { in: (await ctx.deps.prisma.unit.findMany({ where: { regionId: region.id }, select: { id: true } })).map((u) => u.id) } } });
      const res = validateQuotaChange(table, { region: String(region.id), tier, quota: v.quota, alreadyPreselected: preselected }, cycle.maxTotalUnits, elsewhere);
      if (!res.ok) {
        const lines = res.problems.map((p) =>
          p.code === 'over_total'
            ? ctx.t('quota.over_total', { total: p.total, max: p.maxTotal, excess: p.excess, cycle: c.cycle, elsewhere: p.elsewhere ? ctx.t('quota.elsewhere', { elsewhere: p.elsewhere }) : '' })
            : p.code === 'below_preselected'
              ? ctx.t('quota.below_preselected', { quota: p.quota, preselected: p.alreadyPreselected })
              : ctx.t('quota.invalid'),
        );
        await ctx.reply(ctx.t('quota.refused', { problems: lines.join('\n') }));
        return;
      }
      table = res.quotas;
      changes.push({ tier, quota: v.quota, preselected });
    }
    const lines: string[] = [];
    for (const ch of changes) {
      const { before } = await campaigns.setQuota(ctx.userId, c.id, region.id, ch.tier, ch.quota);
      lines.push(ctx.t('quota.line', { tier: tierName(cycle, ch.tier), before: before ?? '—', after: ch.quota }));
    }
    const total = table.reduce((s, q) => s + q.quota, 0) + elsewhere;
    await ctx.reply(ctx.t('quota.done', { region: userText(region.name, 30), lines: lines.join('\n'), total, max: cycle.maxTotalUnits, cycle: c.cycle, elsewhere: elsewhere ? ctx.t('quota.elsewhere', { elsewhere }) : '' }));
  },
});
