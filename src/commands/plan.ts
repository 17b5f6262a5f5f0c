/**
 * Why: 备案 — regional associations file their 实施方案 (第八条（一）) and member banks their 活动方案 (第九条（一）), with
 * their organising bodies (第十条), with 中银协. `/plan` (/方案备案) shows an admin their checklist
 * (prompts/zh-CN/plans.yaml) and records each item, `/plan file` (/备案) does it by text, and `/plan status`
 * (/备案情况) shows the secretariat who has not filed. Filing is decided in src/domain/participation.ts.
 */
import { cut, userText } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction, defineCommand } from './types.ts';
import { plain } from './inspection-shared.ts';
import { planCard, type PlanLine } from '../cards/plans.ts';
import { card, md } from '../cards/common.ts';
import type { BaseContext } from '../pipeline/context.ts';
import { decideFilePlan, type Party, type PartyType } from '../domain/participation.ts';
import { scopesOf, type Actor } from '../domain/grants.ts';
import { toLocalDate } from '../domain/dates.ts';

/** The parties the actor administers: their regions, then their banks. */
async function partiesOf(ctx: BaseContext, actor: Actor): Promise<Party[]> {
  const out: Party[] = [];
  for (const [type, role] of [['region', 'regional_admin'], ['member', 'member_admin']] as const) {
    for (const id of scopesOf(actor, role, type)) {
      const p = await ctx.services.participation.party(ctx.deps.prisma, type, id);
      if (p) out.push(p);
    }
  }
  return out;
}

async function linesFor(ctx: BaseContext, campaignId: number, party: Party): Promise<PlanLine[]> {
  const filings = (await ctx.services.participation.filings(ctx.deps.prisma, campaignId)).filter((f) => f.partyType === party.type && f.partyId === party.id);
  return ctx.services.plans[party.type].map((item) => {
    const f = filings.find((x) => x.itemId === item.id);
    return { item, filed: f ? { note: f.note, on: toLocalDate(f.filedAt, ctx.deps.config.timezone) } : null };
  });
}

/** Files one item for one party, as one transaction: fresh grants and termination, the decision, the row, the audit. */
async function fileItem(ctx: BaseContext, campaignId: number, party: Party, itemId: string, note: string): Promise<{ ok: boolean; text: string }> {
  const items = ctx.services.plans[party.type];
  const no = items.findIndex((i) => i.id === itemId) + 1;
  if (!no) return { ok: false, text: ctx.t('errors.bad_card_value') };
  const { participation } = ctx.services;
  return ctx.deps.atomic.run(async (w) => {
    const prior = await participation.filing(w.tx, campaignId, party, itemId);
    const d = decideFilePlan(await w.actor(ctx.userId), party, { filedNote: prior?.note ?? null, terminated: await participation.terminationOf(w.tx, campaignId, party.type, party.id) }, note);
    if (d.kind === 'refused') {
      await w.refused({ actorId: ctx.userId, act: 'plan.file', target: `${party.type}:${party.id}`, refusal: d.refusal });
      return { ok: false, text: ctx.refusalText(d.refusal) };
    }
    if (d.kind === 'noop') return { ok: true, text: ctx.t('plans.already', { party: plain(party.name, 30), no }) };
    await participation.file(w, ctx.userId, campaignId, party, itemId, note.trim(), prior?.note ?? null);
    return { ok: true, text: ctx.t('plans.filed', { party: plain(party.name, 30), no, title: items[no - 1]!.title }) };
  });
}

export const planShow = defineCommand({
  name: 'plan',
  triggers: ['/plan', '/方案备案'],
  summaryKey: 'commands.plan',
  roles: ['regional_admin', 'member_admin'],
  args: z.array(z.string()).max(0, 'args.no_args').transform(() => ({})),
  async handle(ctx) {
    const campaign = await ctx.services.campaigns.current();
    if (!campaign) return void (await ctx.reply(ctx.t('plans.no_campaign')));
    const parties = await partiesOf(ctx, { openId: ctx.userId, grants: await ctx.services.roles.grantsOf(ctx.userId) });
    if (!parties.length) return void (await ctx.reply(ctx.t('plans.no_party')));
    for (const party of parties) await ctx.reply(planCard(ctx.deps.messages, { campaignId: campaign.id, campaign: campaign.name, party, lines: await linesFor(ctx, campaign.id, party) }));
  },
});

export const planFile = defineCommand({
  name: 'plan file',
  triggers: ['/plan file', '/备案'],
  summaryKey: 'commands.plan_file',
  roles: ['regional_admin', 'member_admin'],
  args: z
    .array(z.string())
    .min(1, 'args.plan_file_shape')
    .transform((w) => ({ no: Number(w[0]!.replace(/^[#＃]/, '')), note: cut(w.slice(1).join(' ').trim(), 100) }))
    .refine((a) => Number.isInteger(a.no) && a.no > 0, 'args.plan_file_shape'),
  async handle(ctx, a) {
    const campaign = await ctx.services.campaigns.current();
    if (!campaign) return void (await ctx.reply(ctx.t('plans.no_campaign')));
    const parties = await partiesOf(ctx, { openId: ctx.userId, grants: await ctx.services.roles.grantsOf(ctx.userId) });
    if (parties.length !== 1) return void (await ctx.reply(parties.length ? ctx.t('plans.which_party', { parties: parties.map((p) => plain(p.name, 20)).join('、') }) : ctx.t('plans.no_party')));
    const party = parties[0]!;
    const item = ctx.services.plans[party.type][a.no - 1];
    if (!item) return void (await ctx.reply(ctx.t('plans.bad_no', { no: a.no, total: ctx.services.plans[party.type].length })));
    await ctx.reply((await fileItem(ctx, campaign.id, party, item.id, a.note)).text);
  },
});

export const planStatus = defineCommand({
  name: 'plan status',
  triggers: ['/plan status', '/备案情况'],
  summaryKey: 'commands.plan_status',
  roles: ['secretariat'],
  args: z.array(z.string()).max(0, 'args.no_args').transform(() => ({})),
  async handle(ctx) {
    const campaign = await ctx.services.campaigns.current();
    if (!campaign) return void (await ctx.reply(ctx.t('plans.no_campaign')));
    const filings = await ctx.services.participation.filings(ctx.deps.prisma, campaign.id);
    const sections: string[] = [];
    for (const [type, rows] of [['region', await ctx.services.directory.regions()], ['member', await ctx.services.directory.banks()]] as Array<[PartyType, Array<{ id: number; name: string }>]>) {
      const items = ctx.services.plans[type];
      const missing = rows
        .map((r) => ({ r, lacks: items.filter((i) => !filings.some((f) => f.partyType === type && f.partyId === r.id && f.itemId === i.id)) }))
        .filter((x) => x.lacks.length);
      const lines = missing.map((x) => ctx.t('plans.status_missing', { party: userText(x.r.name, 30), items: x.lacks.map((i) => `${items.indexOf(i) + 1}. ${i.title}`).join('；') }));
      sections.push([ctx.t('plans.status_head', { kind: ctx.t(`refusal.party.${type}`), complete: rows.length - missing.length, total: rows.length }), ...(lines.length ? lines : [rows.length ? ctx.t('plans.status_all_done') : ctx.t('plans.status_none')])].join('\n'));
    }
    await ctx.reply(card(ctx.t('plans.status_title', { campaign: userText(campaign.name, 40) }), sections.map((s) => md(s)), 'wathet'));
  },
});

export const planFileValue = z.object({ a: z.literal('plan.file'), c: z.coerce.number().int().positive(), t: z.enum(['region', 'member']), p: z.coerce.number().int().positive(), item: z.string().regex(/^[a-z][a-z0-9_]*$/) });

/** The checklist card's 登记 buttons; the card is redrawn with the item ticked. Who may file is read from the database. */
export const planFileAction = defineCardAction({
  action: 'plan.file',
  value: planFileValue,
  async handle(ctx, v) {
    const party = await ctx.services.participation.party(ctx.deps.prisma, v.t, v.p);
    const campaign = await ctx.services.campaigns.get(v.c);
    if (!party || !campaign) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    const r = await fileItem(ctx, campaign.id, party, v.item, cut(String(ctx.action.formValue?.note ?? '').trim(), 100));
    if (!r.ok) return ctx.toast('error', r.text);
    return ctx.toast('success', r.text, planCard(ctx.deps.messages, { campaignId: campaign.id, campaign: campaign.name, party, lines: await linesFor(ctx, campaign.id, party) }));
  },
});
