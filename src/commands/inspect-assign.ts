/** Why: `/inspect assign <申报编号|网点名> @检查员 [--kind onsite|mystery]` (/指派检查): a check is assigned, never to a unit of the inspector's own bank. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand, splitOptions } from './types.ts';
import { candidateLabel, idFrom, kindFrom, kindLabel, latestCampaign, openIdFrom, plain } from './inspection-shared.ts';
import { decideAssign } from '../domain/inspection.ts';
import type { MessageContext } from '../pipeline/context.ts';
import type { CandidateView } from '../store/inspections.ts';
import { modulesFor } from '../domain/rubric.ts';
import { assignmentCard } from '../cards/inspection.ts';
import { toUser } from '../pipeline/context.ts';
import { userText } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .transform((w) => splitOptions(w))
  .transform((a, ctx) => {
    const at = a.positional.findIndex((p) => openIdFrom(p) !== null);
    if (at < 1) {
      ctx.addIssue({ code: 'custom', message: 'args.assign_shape' });
      return z.NEVER;
    }
    const kindInput = a.options.kind ?? a.options['类型'] ?? a.positional[at + 1];
    const kind = kindFrom(kindInput);
    if (!kind) {
      ctx.addIssue({ code: 'custom', message: 'args.kind_unknown', params: { kind: cut((kindInput ?? ''), 20) } });
      return z.NEVER;
    }
    return { target: a.positional.slice(0, at).join(' '), inspector: openIdFrom(a.positional[at])!, kind };
  });

/** The person's name as the group shows it, or as recorded with their role, or their open_id. */
export async function personName(ctx: MessageContext, openId: string): Promise<string> {
  const mentioned = ctx.msg.mentions.find((m) => m.openId === openId)?.name;
  if (mentioned) return mentioned;
  const grant = await ctx.deps.prisma.roleGrant.findFirst({ where: { openId, name: { not: null } } });
  return grant?.name ?? openId;
}

/** Resolves `#12` / `12` to that application, or a unit name to the campaign's preselected application of it. */
async function findCandidate(ctx: MessageContext, campaignId: number, target: string): Promise<CandidateView | string> {
  const { inspections } = ctx.services;
  const id = idFrom(target);
  if (id !== null) {
    const c = await inspections.candidate(id);
    return c && c.campaignId === campaignId ? c : ctx.t('inspection.no_application', { id });
  }
  const hits = await inspections.candidatesByUnitName(campaignId, target, ['PRESELECTED']);
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) return ctx.t('inspection.ambiguous', { unit: plain(target, 40), list: hits.map((h) => `#${h.id} ${candidateLabel(ctx, h)}`).join('；') });
  const other = await inspections.candidatesByUnitName(campaignId, target, ['DRAFT', 'SUBMITTED', 'QUALIFIED', 'DISQUALIFIED', 'REJECTED']);
  if (other[0]) return ctx.t('inspection.not_preselected', { unit: plain(target, 40), status: other[0].status });
  return ctx.t('inspection.no_unit', { unit: plain(target, 40) });
}

export const inspectAssign = defineCommand({
  name: 'inspect assign',
  triggers: ['/inspect assign', '/指派检查'],
  summaryKey: 'commands.inspect_assign',
  roles: ['secretariat', 'regional_admin'],
  args,
  async handle(ctx, a) {
    const { inspections, results } = ctx.services;
    const campaign = await latestCampaign(ctx);
    if (!campaign) {
      await ctx.reply(ctx.t('inspection.no_campaign'));
      return;
    }
    const c = await findCandidate(ctx, campaign.id, a.target);
    if (typeof c === 'string') {
      await ctx.reply(c);
      return;
    }
    const name = plain(await personName(ctx, a.inspector), 30);
    const rubric = await results.pinRubric(ctx.userId, campaign.id);
    if (!modulesFor(rubric, a.kind).length) {
      await ctx.reply(ctx.t('inspection.kind_not_in_rubric', { kind: kindLabel(ctx, a.kind), rubric: rubric.name }));
      return;
    }
    const label = candidateLabel(ctx, c);
    const cardLabel = candidateLabel(ctx, c, userText);
    // Who may assign, whom, and to what: decided on grants read in the same transaction as the assignment, its audit
    // row and the inspector's card (src/domain/inspection.ts). Refusals are audited.
    const r = await ctx.deps.atomic.run(async (w) => {
      const d = decideAssign(await w.actor(ctx.userId), {
        appStatus: c.status, tier: c.tier, regionId: c.region.id, inspectorGrants: (await w.actor(a.inspector)).grants,
        conflictBank: (await inspections.banksOf(a.inspector, w.tx)).includes(c.unit.memberUnitId) ? c.bank.name : null,
        regionTerminated: await ctx.services.participation.terminationOf(w.tx, campaign.id, 'region', c.region.id),
      });
      if (d.kind === 'refused') {
        await w.refused({ actorId: ctx.userId, act: 'inspection.assign', target: `application:${c.id}`, refusal: { ...d.refusal, params: { ...d.refusal.params, inspector: a.inspector } } });
        return { refused: d.refusal, inspectionId: undefined };
      }
      const { inspection, created } = await inspections.assign(ctx.userId, { applicationId: c.id, inspectorOpenId: a.inspector, kind: a.kind, rubricId: rubric.id }, w.tx);
      const out = created ? [toUser(a.inspector, assignmentCard(ctx.deps.messages, { inspectionId: inspection.id, candidate: cardLabel, kind: a.kind, kindName: kindLabel(ctx, a.kind), rubricName: rubric.name }), `inspection:${inspection.id}:assigned`)] : [];
      out.push(ctx.replyOutbound(ctx.t(created ? 'inspection.assigned' : 'inspection.already_assigned', { id: inspection.id, name, candidate: label, kind: kindLabel(ctx, a.kind) })));
      await w.send(out);
      return { refused: null, inspectionId: inspection.id };
    });
    // Issue 16's task for the check follows the committed assignment.
    if (r.inspectionId !== undefined) await ctx.services.surfaces.inspectionChanged(r.inspectionId);
    if (r.refused) {
      const vars = { name, unit: plain(c.unit.name, 40), region: plain(c.region.name, 20), status: c.status, bank: plain(String(r.refused.params?.bank ?? ''), 30) };
      const key: Record<string, string> = { bai_is_secretariat: 'inspection.bai_is_secretariat', assign_scope: 'inspection.out_of_region', state: 'inspection.not_preselected', not_inspector: 'inspection.not_inspector', inspector_elsewhere: 'inspection.inspector_elsewhere', conflict: 'inspection.conflict' };
      await ctx.reply(key[r.refused.code] ? ctx.t(key[r.refused.code]!, vars) : ctx.refusalText(r.refused));
    }
  },
});
