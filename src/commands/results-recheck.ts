/**
 * Why: 复选 (第九条（四）): once publicity has ended, `/results recheck` (/复选) asks each listed unit's bank to confirm
 * it; banks answer by card, the secretariat keeps or drops units (`/results keep`, `/results drop`); the round is
 * announced only when none is left open (prompts/zh-CN/process.yaml `recheck.required`). Decided in
 * src/domain/results-round.ts; each step is one transaction with its cards and notices.
 */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { idFrom, latestCampaign, plain, tierLabel } from './inspection-shared.ts';
import { roundRefusalText } from './results-publish.ts';
import { recheckCard } from '../cards/recheck.ts';
import { toUser, type MessageContext } from '../pipeline/context.ts';
import { decideRecheck, decideRound } from '../domain/results-round.ts';
import { normalizeName } from '../domain/names.ts';
import { recheckItems, roundFacts, setRecheckIn, startRecheckIn, type RecheckRow } from '../store/recheck.ts';
import type { Db } from '../store/db.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

/** Where 复选 stands: counts, what banks flagged, and which banks have not answered. */
export async function recheckStatus(ctx: MessageContext, db: Db, campaign: { id: number; name: string }): Promise<string> {
  const items = await recheckItems(db, campaign.id);
  const bankName = new Map((await db.memberUnit.findMany({ where: { id: { in: items.map((i) => i.bankId) } } })).map((b) => [b.id, b.name]));
  const count = (s: string) => items.filter((i) => i.status === s).length;
  const lines = [ctx.t('recheck.status_head', { campaign: plain(campaign.name, 40), total: items.length, confirmed: count('CONFIRMED'), kept: count('KEPT'), dropped: count('DROPPED'), pending: count('PENDING'), flagged: count('FLAGGED') })];
  const flagged = items.filter((i) => i.status === 'FLAGGED');
  if (flagged.length) lines.push(ctx.t('recheck.status_flagged'), ...flagged.map((i) => ctx.t('recheck.flagged_line', { app: i.applicationId, unit: plain(i.unitName, 40), bank: plain(bankName.get(i.bankId) ?? '', 30), reason: plain(i.bankReason ?? '', 100) })));
  const pending = items.filter((i) => i.status === 'PENDING');
  if (pending.length) {
    lines.push(ctx.t('recheck.status_pending'));
    for (const bankId of [...new Set(pending.map((i) => i.bankId))]) {
      lines.push(ctx.t('recheck.pending_line', { bank: plain(bankName.get(bankId) ?? '', 30), units: pending.filter((i) => i.bankId === bankId).map((i) => `#${i.applicationId} ${plain(i.unitName, 30)}`).join('、') }));
    }
  }
  lines.push(flagged.length || pending.length ? ctx.t('recheck.status_hint') : ctx.t('recheck.done_all'));
  return lines.join('\n');
}

export const resultsRecheck = defineCommand({
  name: 'results recheck',
  triggers: ['/results recheck', '/复选'],
  summaryKey: 'commands.results_recheck',
  roles: ['secretariat'],
  args,
  async handle(ctx) {
    const campaign = await latestCampaign(ctx, ['OPEN', 'CLOSED']);
    if (!campaign) {
      await ctx.reply(ctx.t('recheck.no_campaign'));
      return;
    }
    const r = await ctx.deps.atomic.run(async (w) => {
      const { facts, round } = await roundFacts(w.tx, ctx.services.results, campaign.id, ctx.today(), ctx.services.process.recheck.required);
      const d = decideRound(await w.actor(ctx.userId), facts, { kind: 'recheck' });
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: 'results.recheck', target: `campaign:${campaign.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed') return d;
      const items = await startRecheckIn(w, ctx.userId, campaign.id, round.publishedList ?? []);
      const out = [];
      const nobody = new Set<string>();
      const asked = new Set<number>();
      for (const item of items) {
        const app = await w.tx.application.findUniqueOrThrow({ where: { id: item.applicationId } });
        const region = await w.tx.region.findUnique({ where: { id: item.regionId } });
        const objections = await w.tx.objection.count({ where: { campaignId: campaign.id, unitId: app.unitId } });
        const card = recheckCard(ctx.deps.messages, { itemId: item.id, campaign: campaign.name, unit: item.unitName, region: region?.name ?? '', tier: tierLabel(ctx, app.tier), objections });
        const admins = [...new Set((await w.tx.roleGrant.findMany({ where: { role: 'member_admin', scopeType: 'member', scopeId: item.bankId } })).map((g) => g.openId))];
        if (!admins.length) nobody.add((await w.tx.memberUnit.findUnique({ where: { id: item.bankId } }))?.name ?? `#${item.bankId}`);
        else asked.add(item.bankId);
        out.push(...admins.map((a) => toUser(a, card, `recheck:${campaign.id}:${item.id}:${a}`)));
      }
      const note = nobody.size ? ctx.t('recheck.no_admin', { banks: [...nobody].map((b) => plain(b, 30)).join('、') }) : '';
      out.push(ctx.replyOutbound(ctx.t('recheck.started', { items: items.length, banks: asked.size, nobody: note })));
      await w.send(out);
      return d;
    });
    if (r.kind === 'refused') await ctx.reply(roundRefusalText(ctx, r.refusal, campaign, 'recheck'));
    else if (r.kind === 'noop') await ctx.reply(await recheckStatus(ctx, ctx.deps.prisma, campaign));
  },
});

const decideArgs = (shape: string, min: number) =>
  z
    .array(z.string())
    .min(min, shape)
    .transform((w) => ({ target: w[0]!, reason: cut(w.slice(1).join(' ').trim(), 200) }));

/** The items `target` names: an application id, a unit name, or 全部/all (every item still waiting for its bank). */
function targets(items: RecheckRow[], target: string, keep: boolean): RecheckRow[] {
  if (keep && ['全部', 'all'].includes(target.trim().toLowerCase())) return items.filter((i) => i.status === 'PENDING');
  const id = idFrom(target);
  const name = normalizeName(target);
  return items.filter((i) => (id !== null ? i.applicationId === id : i.unitName === name));
}

function decideCommand(keep: boolean) {
  return defineCommand({
    name: keep ? 'results keep' : 'results drop',
    triggers: keep ? ['/results keep', '/复选保留'] : ['/results drop', '/复选取消'],
    summaryKey: keep ? 'commands.results_keep' : 'commands.results_drop',
    roles: ['secretariat'],
    args: decideArgs(keep ? 'args.recheck_keep_shape' : 'args.recheck_drop_shape', keep ? 1 : 2),
    async handle(ctx, a) {
      const campaign = await latestCampaign(ctx, ['CLOSED', 'ANNOUNCED']);
      if (!campaign) {
        await ctx.reply(ctx.t('recheck.no_campaign'));
        return;
      }
      const text = await ctx.deps.atomic.run(async (w) => {
        const round = await ctx.services.results.round(campaign.id, w.tx);
        const hits = targets(await recheckItems(w.tx, campaign.id), a.target, keep);
        if (!hits.length) return ctx.t(keep && /^(全部|all)$/i.test(a.target.trim()) ? 'recheck.nothing_to_keep' : 'recheck.not_found', { target: plain(a.target, 30) });
        const actor = await w.actor(ctx.userId);
        const changed: RecheckRow[] = [];
        for (const item of hits) {
          const d = decideRecheck(actor, { status: item.status, bankId: item.bankId, announced: !!round.announcedAt }, { by: 'secretariat', keep, reason: a.reason });
          if (d.kind === 'refused') {
            await w.refused({ actorId: ctx.userId, act: keep ? 'recheck.keep' : 'recheck.drop', target: `recheck:${item.id}`, refusal: d.refusal });
            return ctx.refusalText(d.refusal);
          }
          if (d.kind === 'noop') continue;
          await setRecheckIn(w, ctx.userId, item, d.to, d.action, 'secretariat', a.reason || null);
          changed.push(item);
          if (!keep) {
            const app = await w.tx.application.findUniqueOrThrow({ where: { id: item.applicationId } });
            await w.send(toUser(app.managerOpenId, ctx.t('recheck.dropped_notice', { unit: plain(item.unitName, 60), reason: plain(a.reason, 200) }), `recheck:${campaign.id}:${item.id}:dropped`));
          }
        }
        if (keep) return ctx.t('recheck.kept', { units: (changed.length ? changed : hits).map((i) => `#${i.applicationId} ${plain(i.unitName, 30)}`).join('、') });
        return ctx.t('recheck.dropped', { unit: plain(hits[0]!.unitName, 40) });
      });
      await ctx.reply(`${text}\n${await recheckStatus(ctx, ctx.deps.prisma, campaign)}`);
    },
  });
}

export const resultsKeep = decideCommand(true);
export const resultsDrop = decideCommand(false);
