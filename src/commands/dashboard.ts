/** Why: `/dashboard` (/数据看板): the secretariat gets the national Base of a campaign, a regional admin their region's, with its link. */
import { defineCommand } from './types.ts';
import { args as campaignIdArgs } from './campaign-status.ts';
import { dashboardCard } from '../cards/surfaces.ts';

/** An optional campaign id, as /campaign status takes it. */
export const args = campaignIdArgs;

export const dashboard = defineCommand({
  name: 'dashboard',
  triggers: ['/dashboard', '/数据看板'],
  summaryKey: 'commands.dashboard',
  roles: ['secretariat', 'regional_admin'],
  args,
  async handle(ctx, a) {
    const { campaigns, roles, directory, surfaces } = ctx.services;
    if (!ctx.deps.config.surfaces.dashboard) return void (await ctx.reply(ctx.t('surfaces.dashboard.disabled')));
    const campaign = a.id !== undefined ? await campaigns.get(a.id) : await campaigns.current();
    if (!campaign) return void (await ctx.reply(a.id !== undefined ? ctx.t('surfaces.dashboard.not_found', { id: a.id }) : ctx.t('surfaces.dashboard.no_campaign')));
    // Scope from fresh grants: the secretariat sees every region; a regional admin gets one dashboard per region they hold.
    const scope = await roles.regionScope(ctx.userId);
    const regions = scope === 'all' ? [null] : (await directory.regions()).filter((r) => scope.includes(r.id));
    if (!regions.length) return void (await ctx.reply(ctx.t('surfaces.dashboard.no_region')));
    for (const region of regions) {
      const { dashboard: d, readyOutboxId } = await surfaces.dashboards.open(ctx.userId, campaign, region);
      if (d.status === 'ready' && d.url) {
        const counts = await surfaces.dashboards.counts(d.id);
        await ctx.reply(dashboardCard(ctx.deps.messages, { name: d.name, url: d.url, ...counts, regionName: region?.name ?? null }));
        await surfaces.dashboards.markLinkSent(d.id, ctx.userId);
      } else {
        await ctx.reply(ctx.t('surfaces.dashboard.creating', { name: d.name }));
        surfaces.whenReady(readyOutboxId);
      }
    }
  },
});
