/**
 * Why: `/terminate <地区|会员单位> <理由>` (/终止资格) and `/reinstate` (/恢复资格): 第十条 lets 中银协 end the participation
 * of a regional association or member bank that does not cooperate. The record says why; every later act of that
 * party in the round is refused quoting it (src/domain/decision.ts `terminated`). Secretariat only; one transaction
 * with the notices to the party's admins and, for a region, its group.
 */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { plain } from './inspection-shared.ts';
import { toChat, toUser, type MessageContext } from '../pipeline/context.ts';
import { decideReinstate, decideTerminate, type Party } from '../domain/participation.ts';
import { cleanName } from '../domain/names.ts';
import type { Work } from '../store/atomic.ts';

export const terminateArgs = z
  .array(z.string())
  .min(2, 'args.terminate_shape')
  .transform((w) => ({ party: cleanName(w[0]!), reason: cut(w.slice(1).join(' ').trim(), 300) }));
export const reinstateArgs = z
  .array(z.string())
  .min(1, 'args.reinstate_shape')
  .transform((w) => ({ party: cleanName(w.join(' ')), reason: '' }));

/** The party's admins (and, for a region, its group) as outbox rows. */
async function noticesTo(w: Work, party: Party, text: string, key: string) {
  const role = party.type === 'region' ? 'regional_admin' : 'member_admin';
  const admins = [...new Set((await w.tx.roleGrant.findMany({ where: { role, scopeType: party.type, scopeId: party.id } })).map((g) => g.openId))];
  const out = admins.map((a) => toUser(a, text, `${key}:${a}`));
  const chatId = party.type === 'region' ? (await w.tx.region.findUnique({ where: { id: party.id } }))?.chatId : null;
  if (chatId) out.push(toChat(chatId, text, `${key}:group`));
  return out;
}

async function run(ctx: MessageContext, a: { party: string; reason: string }, terminate: boolean): Promise<void> {
  const { campaigns, participation } = ctx.services;
  const campaign = await campaigns.current();
  if (!campaign) {
    await ctx.reply(ctx.t('participation.no_campaign'));
    return;
  }
  const party = await participation.partyByName(ctx.deps.prisma, a.party);
  if (!party) {
    const known = [...(await ctx.services.directory.regions()), ...(await ctx.services.directory.banks())].map((x) => x.name).join('、');
    await ctx.reply(ctx.t('participation.unknown_party', { party: plain(a.party, 30), known: known || ctx.t('quota.none') }));
    return;
  }
  const kind = ctx.t(`refusal.party.${party.type}`);
  const vars = { party: plain(party.name, 30), kind, campaign: plain(campaign.name, 40), reason: plain(a.reason, 300) };
  const text = await ctx.deps.atomic.run(async (w) => {
    const active = await participation.terminationOf(w.tx, campaign.id, party.type, party.id);
    const actor = await w.actor(ctx.userId);
    const d = terminate ? decideTerminate(actor, { active }, a.reason) : decideReinstate(actor, { active });
    if (d.kind === 'refused') {
      await w.refused({ actorId: ctx.userId, act: terminate ? 'participation.terminate' : 'participation.reinstate', target: `${party.type}:${party.id}`, refusal: d.refusal });
      return ctx.refusalText(d.refusal);
    }
    if (d.kind === 'noop') return ctx.t(terminate ? 'participation.already_terminated' : 'participation.not_terminated', { ...vars, reason: plain(active?.reason ?? '', 300) });
    if (terminate) await participation.terminate(w, ctx.userId, campaign.id, party, a.reason);
    else await participation.reinstate(w, ctx.userId, campaign.id, party);
    const count = await w.tx.termination.count({ where: { campaignId: campaign.id, partyType: party.type, partyId: party.id } });
    const notice = ctx.t(terminate ? 'participation.terminated_notice' : 'participation.reinstated_notice', vars);
    await w.send(await noticesTo(w, party, notice, `participation:${campaign.id}:${party.type}:${party.id}:${count}:${terminate ? 't' : 'r'}`));
    return ctx.t(terminate ? 'participation.terminated' : 'participation.reinstated', vars);
  });
  await ctx.reply(text);
}

export const terminateCommand = defineCommand({
  name: 'terminate',
  triggers: ['/terminate', '/终止资格'],
  summaryKey: 'commands.terminate',
  roles: ['secretariat'],
  args: terminateArgs,
  handle: (ctx, a) => run(ctx, a, true),
});

export const reinstateCommand = defineCommand({
  name: 'reinstate',
  triggers: ['/reinstate', '/恢复资格'],
  summaryKey: 'commands.reinstate',
  roles: ['secretariat'],
  args: reinstateArgs,
  handle: (ctx, a) => run(ctx, a, false),
});
