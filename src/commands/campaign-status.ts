/** Why: `/campaign status` (/评选状态): where the round stands: phase, next deadlines, applications per region and tier against quota. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { currentPhase, upcoming, type Milestone } from '../domain/calendar.ts';
import { daysBetween } from '../domain/dates.ts';
import { tierName } from '../store/cycle.ts';
import { button, buttonRow, card, hr, md } from '../cards/common.ts';
import { userText } from '../cards/markdown.ts';
import type { CampaignView } from '../store/campaigns.ts';
import type { Card, Deps } from '../pipeline/context.ts';
import type { PrismaClient } from '../store/db.ts';
import type { LocalDate } from '../domain/dates.ts';

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
export async function applicationCounts(prisma: PrismaClient, campaignId: number) {
  const rows = await prisma.application.findMany({ where: { campaignId }, select: { tier: true, status: true, unitId: true } });
  const units = await prisma.unit.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.unitId))] } }, select: { id: true, regionId: true } });
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

export interface StatusCardOptions {
  /** Only these regions' rows (a region's bound group sees its own); all regions when absent. */
  regionIds?: number[];
  /** Adds a 刷新 button that answers with a fresh status card (used where the card was reached by a button). */
  refresh?: boolean;
}

/** The status card: phase, next deadlines, and applications per region and tier against quota. Shared by `/campaign status` and the `campaign.status_card` button. */
export async function statusCard(deps: Deps, c: CampaignView, today: LocalDate, o: StatusCardOptions = {}): Promise<Card> {
  const { campaigns, directory, cycle } = deps.services;
  const t = deps.messages.t.bind(deps.messages);
  const ms = asDomainMilestones(c);
  const phase = currentPhase(ms, today);
  const next = upcoming(ms, today, 3)
    .map((m) => t('campaign.status_next', { name: m.name, date: m.startsOn, days: daysBetween(today, m.startsOn) }))
    .join('\n');
  const quotas = await campaigns.quotas(c.id);
  const counts = await applicationCounts(deps.prisma, c.id);
  const regions = (await directory.regions()).filter((r) => !o.regionIds || o.regionIds.includes(r.id));
  const rows = regions.flatMap((r) =>
    c.tiers.map((tier) => {
      const q = quotas.find((x) => x.regionId === r.id && x.tier === tier)?.quota;
      const n = counts.get(`${r.id}:${tier}`) ?? { submitted: 0, preselected: 0 };
      return t('campaign.status_row', { region: userText(r.name, 30), tier: tierName(cycle, tier), submitted: n.submitted, preselected: n.preselected, quota: q ?? t('campaign.quota_unset') });
    }),
  );
  const table = rows.length ? [t('campaign.status_table_head'), ...rows].join('\n') : t('campaign.no_regions');
  const elements: unknown[] = [
    md(t('campaign.status_head', { status: t(`status.${c.status}`), phase: phase.current?.name ?? t('campaign.not_started'), cycle: c.cycle })),
    md(next || t('campaign.status_no_next')),
    hr(),
    md(table),
  ];
  if (o.refresh) elements.push(buttonRow([button(t('reminders.status_refresh'), { a: 'campaign.status_card', id: c.id }, 'default')]));
  return card(t('campaign.status_title', { name: userText(c.name, 60) }), elements, c.status === 'OPEN' ? 'blue' : 'grey');
}

export const campaignStatus = defineCommand({
  name: 'campaign status',
  triggers: ['/campaign status', '/评选状态'],
  summaryKey: 'commands.campaign_status',
  roles: ['secretariat', 'regional_admin', 'member_admin', 'inspector'],
  args,
  async handle(ctx, a) {
    const { campaigns } = ctx.services;
    const c = a.id !== undefined ? await campaigns.get(a.id) : await campaigns.current();
    if (!c) {
      await ctx.reply(a.id !== undefined ? ctx.t('campaign.not_found', { id: a.id }) : ctx.t('campaign.list_empty'));
      return;
    }
    await ctx.reply(await statusCard(ctx.deps, c, ctx.today()));
  },
});
