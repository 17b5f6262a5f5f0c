/** Why: `/unmute` (/取消免打扰): the caller gets every reminder again. */
import { z } from 'zod';
import { defineCommand } from './types.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

export const unmute = defineCommand({
  name: 'unmute',
  triggers: ['/unmute', '/取消免打扰'],
  summaryKey: 'commands.unmute',
  args,
  async handle(ctx) {
    // The caller changes only their own setting; the scheduler audits it in the same transaction.
    const changed = await ctx.services.reminders.unmute(ctx.userId);
    await ctx.reply(ctx.t(changed ? 'reminders.unmuted' : 'reminders.not_muted'));
  },
});
