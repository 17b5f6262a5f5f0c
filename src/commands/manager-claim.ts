/**
 * Why: a 网点负责人 applies only for units of a bank that made them its branch manager. A bank admin may grant that
 * with /role grant; or the person asks from the dialog, and the bank's member-unit admins confirm or decline by card.
 */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { toUser } from '../pipeline/context.ts';
import { claimDecisionCard } from '../cards/claim.ts';
import { decidedCard } from '../cards/review.ts';
import { decideClaim, type ClaimStatus } from '../domain/application.ts';
import { holds } from '../domain/grants.ts';
import { normalizeName } from '../domain/names.ts';
import { userText } from '../cards/markdown.ts';

const id = z.coerce.number().int().positive();
export const claimValue = z.object({ a: z.literal('manager.claim'), bank: id });
export const decideValue = z.object({ a: z.literal('manager.claim.decide'), id, d: z.enum(['confirm', 'decline']) });

/** From the dialog's bank step: files the claim for the unit being entered and asks the bank's admins, in one transaction. */
export const managerClaim = defineCardAction({
  action: 'manager.claim',
  value: claimValue,
  async handle(ctx, v) {
    const { session } = await ctx.services.apply.flow.sessions.load(ctx.userId);
    const unitName = session?.state.unit.name;
    if (!unitName) return ctx.toast('info', ctx.t('claim.no_session'));
    const person = (await ctx.deps.prisma.roleGrant.findFirst({ where: { openId: ctx.userId, name: { not: null } } }))?.name ?? ctx.userId;
    const r = await ctx.deps.atomic.run(async (w) => {
      const bank = await w.tx.memberUnit.findUnique({ where: { id: v.bank } });
      if (!bank) return null;
      const actor = await w.actor(ctx.userId);
      if (holds(actor, 'branch_manager', { type: 'member', id: bank.id })) return { bank: bank.name, text: ctx.t('claim.already_manager', { bank: bank.name }) };
      if (await w.tx.managerClaim.findFirst({ where: { openId: ctx.userId, bankId: bank.id, status: 'PENDING' } })) return { bank: bank.name, text: ctx.t('claim.already_pending', { bank: bank.name }) };
      const claim = await w.tx.managerClaim.create({ data: { openId: ctx.userId, bankId: bank.id, unitName: normalizeName(unitName), createdAt: w.now } });
      await w.audit(ctx.userId, 'manager_claim.file', `bank:${bank.id}`, null, { claimId: claim.id, unit: claim.unitName });
      const admins = [...new Set((await w.tx.roleGrant.findMany({ where: { role: 'member_admin', scopeType: 'member', scopeId: bank.id } })).map((g) => g.openId))];
      const card = claimDecisionCard(ctx.deps.messages, { id: claim.id, person, unit: claim.unitName, bank: bank.name });
      await w.send(admins.map((a) => toUser(a, card, `claim:${claim.id}:${a}`)));
      if (admins.length) return { bank: bank.name, text: ctx.t('claim.sent', { bank: bank.name, n: admins.length }) };
      const secs = [...new Set((await w.tx.roleGrant.findMany({ where: { role: 'secretariat' } })).map((g) => g.openId))];
      await w.send(secs.map((s) => toUser(s, ctx.t('claim.no_admin_notice', { person, bank: bank.name, unit: claim.unitName }), `claim:${claim.id}:nobody:${s}`)));
      return { bank: bank.name, text: ctx.t('claim.no_admin', { bank: bank.name }) };
    });
    if (!r) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    return ctx.toast('info', r.text);
  },
});

/** The bank's member-unit admin confirms (the role is granted, audited, in the same transaction) or declines. */
export const managerClaimDecide = defineCardAction({
  action: 'manager.claim.decide',
  value: decideValue,
  async handle(ctx, v) {
    const confirm = v.d === 'confirm';
    const r = await ctx.deps.atomic.run(async (w) => {
      const claim = await w.tx.managerClaim.findUnique({ where: { id: v.id } });
      if (!claim) return null;
      const bank = (await w.tx.memberUnit.findUnique({ where: { id: claim.bankId } }))?.name ?? `#${claim.bankId}`;
      const d = decideClaim(await w.actor(ctx.userId), { status: claim.status as ClaimStatus, bankId: claim.bankId }, confirm);
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: 'manager_claim.decide', target: `manager_claim:${claim.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed') return { d, bank, person: claim.openId };
      await w.tx.managerClaim.update({ where: { id: claim.id }, data: { status: d.to, decidedBy: ctx.userId, decidedAt: w.now } });
      await w.audit(ctx.userId, d.action, `manager_claim:${claim.id}`, { status: 'PENDING' }, { status: d.to, openId: claim.openId, bankId: claim.bankId });
      if (confirm) {
        const grant = { openId: claim.openId, role: 'branch_manager', scopeType: 'member', scopeId: claim.bankId };
        if (!(await w.tx.roleGrant.findFirst({ where: grant }))) {
          await w.tx.roleGrant.create({ data: { ...grant, grantedBy: ctx.userId, createdAt: w.now } });
          await w.audit(ctx.userId, 'role.grant', claim.openId, null, { role: 'branch_manager', scopeType: 'member', scopeId: claim.bankId, claimId: claim.id });
        }
      }
      await w.send(toUser(claim.openId, ctx.t(confirm ? 'claim.confirmed_notice' : 'claim.declined_notice', { bank }), `claim:${claim.id}:outcome`));
      return { d, bank, person: claim.openId };
    });
    if (!r) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    if (r.d.kind === 'refused') return ctx.toast('error', ctx.refusalText(r.d.refusal));
    const text = r.d.kind === 'noop' ? ctx.t('special.already') : ctx.t(confirm ? 'claim.confirmed' : 'claim.declined', { person: userText(r.person, 40), bank: userText(r.bank, 40) });
    return ctx.toast(r.d.kind === 'noop' ? 'info' : 'success', text, decidedCard(ctx.deps.messages, ctx.t('claim.done_title'), text, confirm));
  },
});
