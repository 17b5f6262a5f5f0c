/** Why: `/inspector bank @检查员 <会员单位>` (/检查员单位): records the bank an inspector belongs to, so conflicts of interest are caught. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { openIdFrom, plain } from './inspection-shared.ts';
import { personName } from './inspect-assign.ts';

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
    const { roles, directory, inspections } = ctx.services;
    const admin = (await roles.has(ctx.userId, 'secretariat')) || (await roles.grantsOf(ctx.userId)).some((g) => g.role === 'regional_admin');
    // An inspector may declare their own bank (it can only narrow what they inspect); only admins record others'.
    if (!admin && a.user !== ctx.userId) {
      await ctx.reply(ctx.t('inspector_bank.self_only'));
      return;
    }
    const bank = await directory.bankByName(a.bank);
    if (!bank) {
      await ctx.reply(ctx.t('inspector_bank.unknown_bank', { bank: plain(a.bank, 40), known: (await directory.banks()).map((b) => b.name).join('、') || ctx.t('quota.none') }));
      return;
    }
    const name = plain(await personName(ctx, a.user), 30);
    const created = await inspections.recordBank(ctx.userId, a.user, bank.id);
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
