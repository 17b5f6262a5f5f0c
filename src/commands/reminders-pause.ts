/** Why: `/reminders pause` (/暂停提醒): the secretariat holds every reminder at once, e.g. while dates are being corrected. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { toLocalDate } from '../domain/dates.ts';
import { localTimeText } from '../domain/reminder-time.ts';

export const args = z.array(z.string()).max(0, 'args.no_args').transform(() => ({}));

export const remindersPause = defineCommand({
  name: 'reminders pause',
  triggers: ['/reminders pause', '/暂停提醒'],
  summaryKey: 'commands.reminders_pause',
  roles: ['secretariat'],
  args,
  async handle(ctx) {
    // The scheduler writes the audit row in the same transaction as the change.
    if (await ctx.services.reminders.pause(ctx.userId)) {
      await ctx.reply(ctx.t('reminders.paused'));
      return;
    }
    const s = await ctx.services.reminders.status();
    const tz = ctx.deps.config.timezone;
    await ctx.reply(ctx.t('reminders.already_paused', { by: s.pausedBy ?? '—', at: s.pausedAt ? `${toLocalDate(s.pausedAt, tz)} ${localTimeText(s.pausedAt, tz)}` : '—' }));
  },
});
