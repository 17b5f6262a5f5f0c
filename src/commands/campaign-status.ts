/** Why: `/campaign status` (/评选状态): where the round stands: phase, next deadlines, applications per region and tier against quota. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { currentPhase, upcoming, type Milestone } from '../domain/calendar.ts';
import { daysBetween } from '../domain/dates.ts';
import { tierName } from '../store/cycle.ts';
import { card, hr, md } from '../cards/common.ts';
import { userText } from '../cards/markdown.ts';
import type { CampaignView } from '../store/campaigns.ts';
import type { MessageContext } from '../pipeline/context.ts';

export const args = z
  .array(z.string())
  .max(1, 'args.one_campaign_id')
  .transform((w) => ({ id: w[0] ? Number(w[0].replace(/^#/, '')) : undefined }))
  .refine((a) => a.id === undefined || (Number.isInteger(a.id) && a.id > 0), 'args.campaign_id_number');

/** The campaign's milestones in the calendar's shape, for phase arithmetic. */
export function asDomainMilestones(c: CampaignView): Milestone[] {
  return c.milestones.map((m) => ({ id: m.key as Milestone['id'], name: m.name, startsOn: m.startsOn, endsOn: m.endsOn ?? m.startsOn, isWindow: !!m.endsOn, remind: true, audience: [], tiers: c.tiers, overridden: false }));
}

/** Counts of applications per region and tier, split into submitted (or further) and preselected. */
export async function applicationCounts(ctx: MessageContext, campaignId: number) {
  const rows = await ctx.deps.prisma.application.findMany({ where: { campaignId }, select: { tier: true, status: true, unitId: true } });
  const units = await ctx.deps.prisma.unit.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.unitId))] } }, select: { id: true, regionId: true } });
  const regionOf = new Map(units.map((u) => [u.id, u.regionId]));
  const counts = new Map<string, { submitted: number; preselected: number }>();
  for (const r of rows) {
    if (r.status === 'DRAFT') continue;
    const key = `${regionOf.get(r.unitId)}:${r.tier}`;
    const c = counts.get(key) ?? { submitted: 0, preselected: 0 };
    c.submitted++;
    if (r.status === 'PRESELECTED') c.preselected++;
    counts.set(key, c);
  }
  return counts;
}

export const campaignStatus = defineCommand({
  name: 'campaign status',
  triggers: ['/campaign status', '/评选状态'],
  summaryKey: 'commands.campaign_status',
  roles: ['secretariat', 'regional_admin', 'member_admin', 'inspector'],
  args,
  async handle(ctx, a) {
    const { campaigns, directory, cycle } = ctx.services;
    const c = a.id !== undefined ? await campaigns.get(a.id) : await campaigns.current();
    if (!c) {
      await ctx.reply(a.id !== undefined ? ctx.t('campaign.not_found', { id: a.id }) : ctx.t('campaign.list_empty'));
      return;
    }
    const today = ctx.today();
    const ms = asDomainMilestones(c);
    const phase = currentPhase(ms, today);
    const next = upcoming(ms, today, 3)
      .map((m) => ctx.t('campaign.status_next', { name: m.name, date: m.startsOn, days: daysBetween(today, m.startsOn) }))
      .join('\n');
    const quotas = await campaigns.quotas(c.id);
    const counts = await applicationCounts(ctx, c.id);
    const regions = await directory.regions();
    const rows = regions.flatMap((r) =>
      c.tiers.map((t) => {
        const q = quotas.find((x) => x.regionId === r.id && x.tier === t)?.quota;
        const n = counts.get(`${r.id}:${t}`) ?? { submitted: 0, preselected: 0 };
        return ctx.t('campaign.status_row', { region: userText(r.name, 30), tier: tierName(cycle, t), submitted: n.submitted, preselected: n.preselected, quota: q ?? ctx.t('campaign.quota_unset') });
      }),
    );
    const table = rows.length ? [ctx.t('campaign.status_table_head'), ...rows].join('\n') : ctx.t('campaign.no_regions');
    await ctx.reply(
      card(
        ctx.t('campaign.status_title', { name: userText(c.name, 60) }),
        [
          md(ctx.t('campaign.status_head', { status: ctx.t(`status.${c.status}`), phase: phase.current?.name ?? ctx.t('campaign.not_started'), cycle: c.cycle })),
          md(next || ctx.t('campaign.status_no_next')),
          hr(),
          md(table),
        ],
        c.status === 'OPEN' ? 'blue' : 'grey',
      ),
    );
  },
});
