/** Why: `申报` / `资格` / `/apply`, and the announcement card's 检查申报资格 button, start the eligibility check. */
import { z } from 'zod';
import { defineCardAction, defineCommand } from './types.ts';

export const args = z
  .array(z.string())
  .max(1, 'args.one_campaign_id')
  .transform((w) => ({ campaignId: w[0] ? Number(w[0].replace(/^#/, '')) : undefined }))
  .refine((a) => a.campaignId === undefined || (Number.isInteger(a.campaignId) && a.campaignId > 0), 'args.campaign_id_number');

export const apply = defineCommand({
  name: 'apply',
  triggers: ['/apply', '/申报', '申报', '资格', '申报资格', '检查申报资格'],
  summaryKey: 'commands.apply',
  args,
  async handle(ctx, a) {
    await ctx.services.apply.flow.start(ctx, a.campaignId);
  },
});

export const value = z.object({ a: z.literal('apply.start'), campaignId: z.coerce.number().int().positive().optional() });

/** From the campaign announcement (a shared card): the dialog opens in the clicker's own chat with the bot. */
export const applyStart = defineCardAction({
  action: 'apply.start',
  value,
  async handle(ctx, v) {
    return ctx.services.apply.flow.start(ctx, v.campaignId);
  },
});
