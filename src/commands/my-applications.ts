/** Why: `我的申报` / `/my`: every application of this manager, its status, what it still lacks, and a way back into it. */
import { z } from 'zod';
import { defineCardAction, defineCommand } from './types.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

export const myCommand = defineCommand({
  name: 'my',
  triggers: ['我的申报', '/my', '/我的申报'],
  summaryKey: 'commands.my',
  args,
  async handle(ctx) {
    await ctx.services.apply.app.listMine(ctx);
  },
});

export const mineValue = z.object({ a: z.literal('apply.mine') });

/** "查看我的申报" on a reminder card. */
export const mineAction = defineCardAction({
  action: 'apply.mine',
  value: mineValue,
  handle: (ctx) => ctx.services.apply.app.listMine(ctx),
});

export const openValue = z.object({ a: z.literal('apply.open'), app: z.coerce.number().int().positive() });

/** "继续 #N" on the list: make that application the current one and show its progress card. */
export const openAction = defineCardAction({
  action: 'apply.open',
  value: openValue,
  async handle(ctx, v) {
    return ctx.services.apply.app.reopen(ctx, v.app);
  },
});
