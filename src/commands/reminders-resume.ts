/** Why: `/reminders resume` (/恢复提醒): the secretariat lets reminders flow again; what is still useful is sent once. */
import { z } from 'zod';
import { defineCommand } from './types.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

export const remindersResume = defineCommand({
  name: 'reminders resume',
  triggers: ['/reminders resume', '/恢复提醒'],
  summaryKey: 'commands.reminders_resume',
  roles: ['secretariat'],
  args,
  async handle(ctx) {
    // The scheduler writes the audit row in the same transaction as the change.
    const changed = await ctx.services.reminders.resume(ctx.userId);
    await ctx.reply(ctx.t(changed ? 'reminders.resumed' : 'reminders.not_paused'));
  },
});
