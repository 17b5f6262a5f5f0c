/** Why: `/bank add <name>` (/添加会员单位): the secretariat registers a member bank, the scope of member-unit admins. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { userText } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .min(1, 'args.bank_name_required')
  .transform((w) => ({ name: w.join(' ').trim() }))
  .refine((a) => Array.from(a.name).length <= 40, 'args.bank_name_long');

export const bankAdd = defineCommand({
  name: 'bank add',
  triggers: ['/bank add', '/添加会员单位'],
  summaryKey: 'commands.bank_add',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const { bank, created } = await ctx.services.directory.addBank(ctx.userId, a.name);
    await ctx.reply(ctx.t(created ? 'bank.added' : 'bank.exists', { name: userText(bank.name, 40) }));
  },
});
