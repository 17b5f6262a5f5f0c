/** Why: the publicity card's "提出异议" button: sends the clicker a private objection form, and records what they send back. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { publicityOpen, recordObjection } from './objection.ts';
import { objectionDoneCard, objectionFormCard } from '../cards/objection.ts';
import { userText } from '../cards/markdown.ts';

const id = z.coerce.number().int().positive();

export const openValue = z.object({ a: z.literal('objection.open'), c: id, r: id });
export const submitValue = z.object({ a: z.literal('objection.submit'), c: id });

export const objectionOpen = defineCardAction({
  action: 'objection.open',
  value: openValue,
  async handle(ctx, v) {
    const round = await ctx.services.results.round(v.c);
    const closed = publicityOpen(ctx, round);
    if (closed) return ctx.toast('warning', closed);
    const appIds = (round.publishedList ?? []).filter((g) => g.regionId === v.r).flatMap((g) => g.units.map((u) => u.applicationId));
    const apps = await ctx.deps.prisma.application.findMany({ where: { id: { in: appIds } }, select: { unitId: true } });
    const units = await ctx.deps.prisma.unit.findMany({ where: { id: { in: apps.map((a) => a.unitId) } }, select: { id: true, name: true } });
    if (!units.length) return ctx.toast('info', ctx.t('objection.nothing_listed'));
    const region = await ctx.deps.prisma.region.findUnique({ where: { id: v.r } });
    const form = objectionFormCard(ctx.deps.messages, { campaignId: v.c, region: userText(region?.name ?? '', 20), endsOn: round.publicityEndsOn ?? '', units: units.map((u) => ({ unitId: u.id, name: u.name })) });
    // The publicity card is shared by the whole group, so the form goes to the clicker privately.
    await ctx.sendToUser(ctx.userId, form, `objection-form:${v.c}:${v.r}:${ctx.userId}:${ctx.eventId}`);
    return ctx.toast('info', ctx.t('objection.form_sent'));
  },
});

export const objectionSubmit = defineCardAction({
  action: 'objection.submit',
  value: submitValue,
  async handle(ctx, v) {
    const form = ctx.action.formValue ?? {};
    const unitId = Number(form.unit);
    const text = cut(String(form.text ?? '').trim(), 1000);
    if (!Number.isSafeInteger(unitId) || unitId <= 0) return ctx.toast('error', ctx.t('objection.pick_unit'));
    if (!text) return ctx.toast('error', ctx.t('objection.empty'));
    const r = await recordObjection(ctx, v.c, unitId, text);
    if (!r.ok) return ctx.toast('warning', r.text);
    return ctx.toast('success', r.text, objectionDoneCard(ctx.deps.messages, r.cardText ?? r.text));
  },
});
