/** Why: `/mute` (/免打扰): anyone can silence non-critical reminders for themselves; deadline-day reminders still reach them. */
import { z } from 'zod';
import { defineCommand } from './types.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

export const mute = defineCommand({
  name: 'mute',
  triggers: ['/mute', '/免打扰'],
  summaryKey: 'commands.mute',
  args,
  async handle(ctx) {
    // The caller changes only their own setting; the scheduler audits it in the same transaction.
    const changed = await ctx.services.reminders.mute(ctx.userId);
    await ctx.reply(ctx.t(changed ? 'reminders.muted' : 'reminders.already_muted'));
  },
});
