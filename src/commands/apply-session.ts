/** Why: `继续` resumes the dialog where it stopped, and `取消` ends it; saved applications are never lost by either. */
import { z } from 'zod';
import { defineCardAction, defineCommand } from './types.ts';
import type { Answerable } from '../flows/apply/flow.ts';
import type { CardResponse } from '../pipeline/context.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

async function resume(ctx: Answerable): Promise<CardResponse> {
  const flow = ctx.services.apply.flow;
  const s = await flow.live(ctx);
  if (typeof s === 'string') {
    // No dialog: the applications themselves are the place to continue from.
    return ctx.services.apply.app.listMine(ctx, s);
  }
  if (s.state.step.kind === 'checklist') {
    const a = await ctx.services.apply.app.apps.get(s.state.applicationId!);
    if (a) return ctx.services.apply.app.showProgress(ctx, a);
  }
  const body = await flow.render(ctx, s);
  if (typeof body !== 'string' && 'action' in ctx) {
    await ctx.sendToUser(ctx.userId, body, `resume:${ctx.eventId}`);
    return ctx.toast('success', ctx.t('review.toast_ok'));
  }
  return flow.answerWith(ctx, body);
}

export const resumeCommand = defineCommand({
  name: 'resume',
  triggers: ['继续', '/resume', '/继续'],
  summaryKey: 'commands.resume',
  args,
  async handle(ctx) {
    await resume(ctx);
  },
});

export const cancelCommand = defineCommand({
  name: 'cancel',
  triggers: ['取消', '/cancel', '/取消', '结束'],
  summaryKey: 'commands.cancel_dialog',
  args,
  async handle(ctx) {
    const ended = await ctx.services.apply.flow.sessions.end(ctx.userId);
    await ctx.reply(ctx.t(ended ? 'apply.cancelled' : 'apply.no_session'));
  },
});

export const resumeValue = z.object({ a: z.literal('apply.resume') });

/** "继续填写" on a reminder card. */
export const resumeAction = defineCardAction({
  action: 'apply.resume',
  value: resumeValue,
  handle: (ctx) => resume(ctx),
});
