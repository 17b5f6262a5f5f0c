/** Why: `提交申报` and the checklist card's buttons: mark items done and submit once everything required is there. */
import { z } from 'zod';
import { defineCardAction, defineCommand } from './types.ts';
import { whichCard } from '../flows/apply/checklist-words.ts';

/** A database id: a whole number the Int column can hold (anything else from a card or a reply is refused, not queried). */
export const appId = z.coerce.number().int().positive().max(2_147_483_647);

export const args = z
  .array(z.string())
  .max(1, 'args.no_args')
  .transform((w, ctx) => {
    if (!w[0]) return { app: undefined };
    const n = appId.safeParse(w[0].replace(/^[#＃]/, ''));
    if (!n.success) {
      ctx.addIssue({ code: 'custom', message: 'args.app_id_number' });
      return z.NEVER;
    }
    return { app: n.data };
  });

export const submitCommand = defineCommand({
  name: 'submit',
  triggers: ['提交申报', '/submit', '/提交申报'],
  summaryKey: 'commands.submit',
  args,
  async handle(ctx, a) {
    const meant = a.app ?? (await ctx.services.apply.app.meant(ctx));
    if (typeof meant === 'number') {
      await ctx.services.apply.app.submit(ctx, meant);
      return;
    }
    // Several drafts: which one (buttons named by unit); none: say so, and how to find what there is.
    await ctx.reply(meant.length ? whichCard(ctx.deps.messages, meant, { kind: 'submit' }) : ctx.t('checklist.no_draft'));
  },
});

export const submitValue = z.object({ a: z.literal('apply.submit'), app: appId });

export const submitAction = defineCardAction({
  action: 'apply.submit',
  value: submitValue,
  handle: (ctx, v) => ctx.services.apply.app.submit(ctx, v.app),
});

export const itemValue = z.object({
  a: z.literal('apply.item'),
  app: appId,
  item: z.string().regex(/^[a-z][a-z0-9_]*$/),
  done: z.boolean(),
  /** Set on the not-understood answer's button: that card is not the progress card, which is patched instead. */
  from: z.literal('guess').optional(),
});

/** 完成 / 撤销 on the checklist card (or the guess "是要标记第 N 项吗？"): setting the same state twice is harmless. */
export const itemAction = defineCardAction({
  action: 'apply.item',
  value: itemValue,
  async handle(ctx, v) {
    if (!ctx.services.apply.app.checklist.items.some((i) => i.id === v.item)) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    return ctx.services.apply.app.setItem(ctx, v.app, v.item, { done: v.done }, v.from === 'guess' ? 'elsewhere' : 'progress');
  },
});
