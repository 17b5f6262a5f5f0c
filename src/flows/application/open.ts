/**
 * Why: starting an application and asking for a special case are where a unit is claimed, so both check, in one
 * transaction, that the person is that bank's 网点负责人 (src/domain/application.ts), that a special-case approval is
 * for this very unit and unused (src/domain/special-case.ts), and the per-person limit; the unit's name is normalised.
 */
import type { BaseContext } from '../../pipeline/context.ts';
import { toUser } from '../../pipeline/context.ts';
import type { Refusal } from '../../domain/decision.ts';
import { decideCreate } from '../../domain/application.ts';
import { decideFile, decideUse } from '../../domain/special-case.ts';
import { normalizeName } from '../../domain/names.ts';
import { specialCaseCard } from '../../cards/review.ts';
import type { OpenInput } from '../../store/applications.ts';
import type { Work } from '../../store/atomic.ts';

export type Opened = { id: number; created: boolean } | { heldBy: string } | { refused: Refusal };

/** Refuses (audited) unless the actor is the bank's branch manager and neither the bank nor the region was terminated. */
async function bankTie(ctx: BaseContext, w: Work, campaignId: number, bankId: number, regionId: number, act: string): Promise<Refusal | null> {
  const bank = await w.tx.memberUnit.findUnique({ where: { id: bankId } });
  const t = await ctx.services.participation.terminationsFor(w.tx, campaignId, { regionId, bankId });
  const d = decideCreate(await w.actor(ctx.userId), { bankId, bankName: bank?.name ?? `#${bankId}`, bankTerminated: t.bank, regionTerminated: t.region });
  if (d.kind !== 'refused') return null;
  await w.refused({ actorId: ctx.userId, act, target: `bank:${bankId}`, refusal: d.refusal });
  return d.refusal;
}

/** The bank-tie check on its own, for the dialog's bank step (so a person learns at once, not after five more steps). */
export function checkBankTie(ctx: BaseContext, campaignId: number, bankId: number, regionId?: number): Promise<Refusal | null> {
  return ctx.deps.atomic.run((w) => bankTie(ctx, w, campaignId, bankId, regionId ?? 0, 'application.bank'));
}

/** Creates (or finds) the application; with a special case, marks the approval used in the same transaction. */
export function openApplication(ctx: BaseContext, d: OpenInput): Promise<Opened> {
  const input = { ...d, unitName: normalizeName(d.unitName) };
  const { apps } = ctx.services.apply.app;
  return ctx.deps.atomic.run(async (w): Promise<Opened> => {
    const refused = await bankTie(ctx, w, d.campaignId, d.bankId, d.regionId, 'application.create');
    if (refused) return { refused };
    if (d.specialCaseId !== undefined) {
      const sc = await w.tx.specialCase.findUnique({ where: { id: d.specialCaseId } });
      if (!sc) return { refused: { code: 'state', needStates: ['APPROVED'], params: { state: 'DENIED' } } };
      const again = sc.status === 'USED' && sc.applicationId !== null && (await w.tx.application.findUnique({ where: { id: sc.applicationId } }))?.managerOpenId === ctx.userId;
      if (again) return { id: sc.applicationId!, created: false };
      // Requests filed before approvals named their unit carry no bank or region: such an approval binds to the first unit it opens.
      const unit = { name: normalizeName(sc.unitName), bankId: sc.bankId ?? input.bankId, regionId: sc.regionId ?? input.regionId };
      const legacy = sc.bankId === null;
      const u = decideUse(await w.actor(ctx.userId), { status: sc.status as never, managerOpenId: sc.managerOpenId, campaignId: sc.campaignId, unit: legacy ? { ...unit, name: input.unitName } : unit }, {
        campaignId: d.campaignId,
        unit: { name: input.unitName, bankId: input.bankId, regionId: input.regionId },
      });
      if (u.kind === 'refused') {
        await w.refused({ actorId: ctx.userId, act: 'special_case.use', target: `special_case:${sc.id}`, refusal: u.refusal });
        return { refused: u.refusal };
      }
    }
    const opened = await apps.openIn(w.tx, ctx.userId, input);
    if ('heldBy' in opened || !opened.created || d.specialCaseId === undefined) return opened;
    const used = await w.tx.specialCase.updateMany({ where: { id: d.specialCaseId, status: 'APPROVED' }, data: { status: 'USED', usedAt: w.now, applicationId: opened.id } });
    if (used.count !== 1) throw new Error(`special case ${d.specialCaseId} changed while it was being used; nothing was saved. Try again.`);
    await w.audit(ctx.userId, 'special_case.used', `special_case:${d.specialCaseId}`, { status: 'APPROVED' }, { status: 'USED', applicationId: opened.id, unit: input.unitName });
    return opened;
  });
}

export interface SpecialRequest {
  campaignId: number;
  unit: { name: string; bankId: number; regionId: number };
  answers: object;
  failures: object[];
  explanation: string;
}

/**
 * Files a special-case request for one unit and sends it to every secretariat member, in one transaction; refused
 * (audited) past the per-person limit of waiting requests (prompts/zh-CN/process.yaml) or outside an open campaign.
 */
export function fileSpecialCase(ctx: BaseContext, r: SpecialRequest): Promise<{ id: number; secretariat: number } | { refused: Refusal }> {
  const limit = ctx.services.process.limits.openSpecialCasesPerPerson;
  const name = normalizeName(r.unit.name);
  return ctx.deps.atomic.run(async (w) => {
    const campaign = await w.tx.campaign.findUnique({ where: { id: r.campaignId } });
    const open = await w.tx.specialCase.count({ where: { campaignId: r.campaignId, managerOpenId: ctx.userId, status: 'PENDING' } });
    const d = decideFile({ campaignOpen: campaign?.status === 'OPEN', openByPerson: open, limit });
    if (d.kind === 'refused') {
      await w.refused({ actorId: ctx.userId, act: 'special_case.file', target: `campaign:${r.campaignId}`, refusal: d.refusal });
      return { refused: d.refusal };
    }
    const row = await w.tx.specialCase.create({
      data: { campaignId: r.campaignId, managerOpenId: ctx.userId, unitName: name, bankId: r.unit.bankId, regionId: r.unit.regionId, answers: JSON.stringify(r.answers), failures: JSON.stringify(r.failures), explanation: r.explanation, createdAt: w.now },
    });
    await w.audit(ctx.userId, 'special_case.file', `special_case:${row.id}`, null, { unitName: name, bankId: r.unit.bankId, regionId: r.unit.regionId, failures: r.failures });
    const view = await ctx.services.apply.app.specialCases.get(row.id, w.tx);
    const bank = await w.tx.memberUnit.findUnique({ where: { id: r.unit.bankId } });
    const region = await w.tx.region.findUnique({ where: { id: r.unit.regionId } });
    const card = specialCaseCard(ctx.deps.messages, view!, { bank: bank?.name ?? '', region: region?.name ?? '' });
    const secs = [...new Set((await w.tx.roleGrant.findMany({ where: { role: 'secretariat' } })).map((g) => g.openId))];
    await w.send(secs.map((s) => toUser(s, card, `special:${row.id}:${s}`)));
    return { id: row.id, secretariat: secs.length };
  });
}
