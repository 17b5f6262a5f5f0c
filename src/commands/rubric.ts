/** Why: `/rubric` (/评分表) shows the round's score sheet and weights; `/rubric use <编号>` chooses it, before any check uses another. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { latestCampaign, plain } from './inspection-shared.ts';
import { formatPoints } from '../domain/scoring.ts';
import type { Rubric } from '../domain/rubric.ts';
import type { MessageContext } from '../pipeline/context.ts';
import { card, md } from '../cards/common.ts';
import { userText } from '../cards/markdown.ts';

export const showArgs = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));
export const useArgs = z
  .array(z.string())
  .length(1, 'args.rubric_id')
  .transform((w) => ({ id: w[0]!.trim() }));

function summary(ctx: MessageContext, r: Rubric): string {
  const adj = ctx.t('rubric.adjustable');
  const lines = r.modules.map((m) =>
    ctx.t('rubric.module_line', { id: m.id, name: m.name, points: formatPoints(m.points), items: m.items.length, checks: m.checks.map((k) => ctx.t(`inspection.kind.${k}`)).join('、'), mark: m.default ? adj : '' }),
  );
  return [
    ctx.t('rubric.head', { name: r.name, id: r.id, version: r.version, total: formatPoints(r.scoring.total), pass: formatPoints(r.scoring.passScore), step: formatPoints(r.scoring.step), mark: r.scoring.default ? adj : '' }),
    ...lines,
    ctx.t('rubric.foot'),
  ].join('\n');
}

export const rubricShow = defineCommand({
  name: 'rubric',
  triggers: ['/rubric', '/评分表'],
  summaryKey: 'commands.rubric',
  roles: ['secretariat', 'regional_admin', 'inspector'],
  args: showArgs,
  async handle(ctx) {
    const campaign = await latestCampaign(ctx);
    const r = campaign ? await ctx.services.results.rubricFor(campaign.id) : ctx.services.rubrics.default;
    const others = ctx.services.rubrics.all().filter((x) => x.id !== r.id).map((x) => x.id);
    const body = summary(ctx, r) + (others.length ? '\n' + ctx.t('rubric.others', { ids: others.join('、') }) : '');
    await ctx.reply(card(ctx.t('rubric.title', { campaign: campaign ? userText(campaign.name, 40) : ctx.t('rubric.no_campaign') }), [md(body)], 'indigo'));
  },
});

export const rubricUse = defineCommand({
  name: 'rubric use',
  triggers: ['/rubric use', '/选用评分表'],
  summaryKey: 'commands.rubric_use',
  roles: ['secretariat'],
  args: useArgs,
  async handle(ctx, a) {
    const campaign = await latestCampaign(ctx, ['DRAFT', 'OPEN', 'CLOSED']);
    if (!campaign) {
      await ctx.reply(ctx.t('inspection.no_campaign'));
      return;
    }
    const r = ctx.services.rubrics.get(a.id);
    if (!r) {
      await ctx.reply(ctx.t('rubric.unknown', { id: plain(a.id, 30), known: ctx.services.rubrics.all().map((x) => x.id).join('、') }));
      return;
    }
    const res = await ctx.services.results.chooseRubric(ctx.userId, campaign.id, r.id);
    if (!res.ok) {
      await ctx.reply(ctx.t('rubric.locked', { current: res.current, n: res.inUse }));
      return;
    }
    await ctx.reply(ctx.t('rubric.chosen', { campaign: plain(campaign.name, 40), name: r.name, id: r.id }));
  },
});
