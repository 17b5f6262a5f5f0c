/** Why: `/objection <网点> <异议内容>` (/异议): anyone may object to a listed unit during publicity; it is recorded and sent to the secretariat. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { latestCampaign, type BaseCtx, plain } from './inspection-shared.ts';
import { compareDates, asLocalDate } from '../domain/dates.ts';
import type { RoundView } from '../store/results.ts';
import { userText } from '../cards/markdown.ts';
import { toUser } from '../pipeline/context.ts';
import { decideObjection } from '../domain/results-round.ts';
import { normalizeName } from '../domain/names.ts';

export const args = z
  .array(z.string())
  .min(2, 'args.objection_shape')
  .transform((w) => ({ unit: w[0]!.trim(), text: cut(w.slice(1).join(' ').trim(), 1000) }));

/** Is publicity running today? Returns the refusal text when not. */
export function publicityOpen(ctx: BaseCtx, round: RoundView): string | null {
  if (!round.publishedAt || !round.publicityEndsOn) return ctx.t('objection.not_in_publicity');
  if (round.announcedAt || compareDates(ctx.today(), asLocalDate(round.publicityEndsOn)) > 0) return ctx.t('objection.publicity_over', { endsOn: round.publicityEndsOn });
  return null;
}

/**
 * Records an objection about a unit on the published list and forwards it to every secretariat member. The dedupe
 * keys hang on the objection's id, so a redelivered event cannot forward it twice.
 */
export async function recordObjection(ctx: BaseCtx, campaignId: number, unitId: number, text: string): Promise<{ ok: boolean; text: string; cardText?: string }> {
  const round = await ctx.services.results.round(campaignId);
  const closed = publicityOpen(ctx, round);
  if (closed) return { ok: false, text: closed };
  const unit = await ctx.deps.prisma.unit.findUnique({ where: { id: unitId }, include: { region: true } });
  const listed = round.publishedList?.some((g) => g.units.some((u) => u.unitName === unit?.name && g.regionId === unit?.regionId));
  if (!unit || !listed) return { ok: false, text: ctx.t('objection.not_listed', { unit: plain(unit?.name ?? String(unitId), 40) }) };
  if (!text.trim()) return { ok: false, text: ctx.t('objection.empty') };
  const limit = ctx.services.process.limits.objectionsPerPerson;
  // The limit's count, the objection, its audit row and the notice to every secretariat member are one transaction.
  return ctx.deps.atomic.run(async (w) => {
    const d = decideObjection({ byPerson: await w.tx.objection.count({ where: { campaignId, openId: ctx.userId } }), limit });
    if (d.kind === 'refused') {
      await w.refused({ actorId: ctx.userId, act: 'objection.add', target: `campaign:${campaignId}/unit:${unitId}`, refusal: d.refusal });
      return { ok: false, text: ctx.refusalText(d.refusal) };
    }
    const o = await w.tx.objection.create({ data: { campaignId, unitId, openId: ctx.userId, text: text.trim(), createdAt: w.now } });
    await w.audit(ctx.userId, 'objection.add', `campaign:${campaignId}/unit:${unitId}`, null, { id: o.id, text: text.trim() });
    const secretariat = await w.tx.roleGrant.findMany({ where: { role: 'secretariat' }, select: { openId: true } });
    const notice = ctx.t('objection.to_secretariat', { id: o.id, unit: plain(unit.name, 40), region: plain(unit.region.name, 20), from: ctx.userId, text: plain(text, 1000), endsOn: round.publicityEndsOn ?? '' });
    await w.send([...new Set(secretariat.map((g) => g.openId))].map((s) => toUser(s, notice, `objection:${o.id}:${s}`)));
    return { ok: true, text: ctx.t('objection.recorded', { id: o.id, unit: plain(unit.name, 40) }), cardText: ctx.t('objection.recorded', { id: o.id, unit: userText(unit.name, 40) }) };
  });
}

export const objection = defineCommand({
  name: 'objection',
  triggers: ['/objection', '/异议'],
  summaryKey: 'commands.objection',
  args,
  async handle(ctx, a) {
    const campaign = await latestCampaign(ctx, ['CLOSED']);
    if (!campaign) {
      await ctx.reply(ctx.t('objection.not_in_publicity'));
      return;
    }
    const round = await ctx.services.results.round(campaign.id);
    const closed = publicityOpen(ctx, round);
    if (closed) {
      await ctx.reply(closed);
      return;
    }
    const name = normalizeName(a.unit);
    const hits = (round.publishedList ?? []).flatMap((g) => g.units.filter((u) => normalizeName(u.unitName) === name).map((u) => ({ ...u, regionId: g.regionId })));
    if (!hits.length) {
      await ctx.reply(ctx.t('objection.not_listed', { unit: plain(a.unit, 40) }));
      return;
    }
    const app = await ctx.deps.prisma.application.findUnique({ where: { id: hits[0]!.applicationId } });
    if (!app) {
      await ctx.reply(ctx.t('objection.not_listed', { unit: plain(a.unit, 40) }));
      return;
    }
    await ctx.reply((await recordObjection(ctx, campaign.id, app.unitId, a.text)).text);
  },
});
