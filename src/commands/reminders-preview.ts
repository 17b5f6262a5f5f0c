/** Why: `/reminders preview [days]` (/提醒预览): staff see what reminders would go out, when and to whom, before anything is sent. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { previewCard } from '../cards/reminders.ts';
import { toLocalDate } from '../domain/dates.ts';
import { localTimeText } from '../domain/reminder-time.ts';
import type { Reminder } from '../domain/reminders.ts';
import type { MessageContext } from '../pipeline/context.ts';

export const MAX_PREVIEW_DAYS = 90;

export const args = z
  .array(z.string())
  .max(1, 'reminders.args_days')
  .transform((w) => ({ days: w[0] === undefined ? 7 : Number(w[0].replace(/天$/, '')) }))
  .refine((a) => Number.isInteger(a.days) && a.days >= 1 && a.days <= MAX_PREVIEW_DAYS, 'reminders.args_days');

/** The secretariat sees everything; others see reminders to themselves and within their regions or banks. */
export async function visibleTo(ctx: MessageContext, reminders: Reminder[]): Promise<Reminder[]> {
  const grants = await ctx.services.roles.grantsOf(ctx.userId);
  if (grants.some((g) => g.role === 'secretariat')) return reminders;
  const regions = new Set(grants.filter((g) => g.role === 'regional_admin' && g.scopeType === 'region').map((g) => g.scopeId));
  const banks = new Set(grants.filter((g) => g.role === 'member_admin' && g.scopeType === 'member').map((g) => g.scopeId));
  return reminders.filter((r) => r.to.id === ctx.userId || r.regionIds.some((id) => regions.has(id)) || r.memberUnitIds.some((id) => banks.has(id)));
}

export const remindersPreview = defineCommand({
  name: 'reminders preview',
  triggers: ['/reminders preview', '/提醒预览'],
  summaryKey: 'commands.reminders_preview',
  roles: ['secretariat', 'regional_admin', 'member_admin', 'inspector'],
  args,
  async handle(ctx, a) {
    const scheduler = ctx.services.reminders;
    const tz = ctx.deps.config.timezone;
    const p = await scheduler.preview(a.days);
    const shown = await visibleTo(ctx, p.reminders);
    await ctx.audit('reminders.preview', 'reminders', null, { days: a.days, shown: shown.length });
    await ctx.reply(
      previewCard(ctx.deps.messages, shown, {
        days: a.days,
        timeZone: tz,
        paused: p.status.paused ? { by: p.names.get(p.status.pausedBy ?? '') ?? p.status.pausedBy, at: p.status.pausedAt ? `${toLocalDate(p.status.pausedAt, tz)} ${localTimeText(p.status.pausedAt, tz)}` : '' } : null,
        names: p.names,
        regionName: (id) => p.regions.get(id) ?? `#${id}`,
        localDate: (d) => toLocalDate(d, tz),
        localTime: (d) => localTimeText(d, tz),
      }),
    );
  },
});
