/** Why: the "which application?" card's buttons: the checklist words typed earlier are applied to the draft picked, once. */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { appId } from './submit.ts';

export const value = z.object({ a: z.literal('apply.word'), app: appId, sv: z.coerce.number().int().nonnegative().max(2_147_483_647) });

export const wordAction = defineCardAction({
  action: 'apply.word',
  value,
  async handle(ctx, v) {
    const { flow, app } = ctx.services.apply;
    const { session } = await flow.words.picks.load(ctx.userId);
    // Gone (used, or older than an hour) or replaced by newer words: nothing is applied twice or to the wrong words.
    if (!session) return ctx.toast('info', ctx.t('checklist.pick_gone'));
    if (session.version !== v.sv) return ctx.toast('warning', ctx.t('apply.stale_card'));
    if (!(await flow.words.picks.end(ctx.userId))) return ctx.toast('info', ctx.t('checklist.pick_gone'));
    return app.applyWords(ctx, v.app, session.state, 'elsewhere');
  },
});
