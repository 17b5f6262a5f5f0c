/** Why: `/inspector bank @检查员 <会员单位>` (/检查员单位): records the bank an inspector belongs to, so conflicts of interest are caught. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { openIdFrom, plain } from './inspection-shared.ts';
import { personName } from './inspect-assign.ts';
import { decideRecordBank } from '../domain/inspection.ts';

export const args = z
  .array(z.string())
  .min(2, 'args.inspector_bank_shape')
  .transform((w, ctx) => {
    const user = openIdFrom(w[0]);
    if (!user) {
      ctx.addIssue({ code: 'custom', message: 'args.role_user' });
      return z.NEVER;
    }
    return { user, bank: w.slice(1).join(' ').trim() };
  });

export const inspectorBank = defineCommand({
  name: 'inspector bank',
  triggers: ['/inspector bank', '/检查员单位'],
  summaryKey: 'commands.inspector_bank',
  roles: ['secretariat', 'regional_admin', 'inspector'],
  args,
  async handle(ctx, a) {
    const { directory, inspections } = ctx.services;
    const bank = await directory.bankByName(a.bank);
    // Recording a bank blocks an inspector from its units, so it is guarded like any privileged act (src/domain/inspection.ts):
    // both people's grants are read, and the record written, in one transaction.
    const r = await ctx.deps.atomic.run(async (w) => {
      const d = decideRecordBank(await w.actor(ctx.userId), await w.actor(a.user));
      if (d.kind === 'refused') {
        await w.refused({ actorId: ctx.userId, act: 'inspector.bank', target: a.user, refusal: d.refusal });
        return { refused: d.refusal };
      }
      if (!bank) return { created: false };
      return { created: await inspections.recordBankIn(w, ctx.userId, a.user, bank.id) };
    });
    if ('refused' in r && r.refused) {
      await ctx.reply(ctx.refusalText(r.refused));
      return;
    }
    if (!bank) {
      await ctx.reply(ctx.t('inspector_bank.unknown_bank', { bank: plain(a.bank, 40), known: (await directory.banks()).map((b) => b.name).join('、') || ctx.t('quota.none') }));
      return;
    }
    const name = plain(await personName(ctx, a.user), 30);
    const created = 'created' in r && !!r.created;
    const open = await inspections.openFor(a.user);
    const clashing: number[] = [];
    for (const ins of open) {
      const c = await inspections.candidate(ins.applicationId);
      if (c?.unit.memberUnitId === bank.id) clashing.push(ins.id);
    }
    const text = ctx.t(created ? 'inspector_bank.recorded' : 'inspector_bank.already', { name, bank: plain(bank.name, 40) });
    await ctx.reply(clashing.length ? `${text}\n${ctx.t('inspector_bank.clashing', { ids: clashing.map((i) => `#${i}`).join('、') })}` : text);
  },
});
