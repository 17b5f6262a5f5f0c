/** Why: `/campaign extend` (/延长申报): only the secretariat moves a round's 申报截止, audited, and everyone it concerns is told. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { cut, userText } from '../cards/markdown.ts';
import { button, buttonRow, card, md } from '../cards/common.ts';
import { extendDeadline, type MilestoneDates } from '../domain/calendar.ts';
import { parseUserDate, type LocalDate } from '../domain/dates.ts';
import { audit } from '../store/audit.ts';
import type { MessageContext } from '../pipeline/context.ts';
import type { CampaignView } from '../store/campaigns.ts';

/** `[编号] 新截止日 [原因…]`: the number is optional while only one campaign is open. */
export const args = z.array(z.string()).transform((w, ctx) => {
  const withId = w.length >= 2 && /^#?\d{1,6}$/.test(w[0]!);
  const campaignId = withId ? Number(w[0]!.replace(/^#/, '')) : undefined;
  const dateWord = w[withId ? 1 : 0];
  if (dateWord === undefined) {
    ctx.addIssue({ code: 'custom', message: 'args.extend_date_required' });
    return z.NEVER;
  }
  const d = parseUserDate(dateWord);
  if (!d.ok) {
    ctx.addIssue({ code: 'custom', message: 'args.bad_date', params: { label: '新截止日', value: cut(dateWord, 20) } });
    return z.NEVER;
  }
  const reason = w.slice(withId ? 2 : 1).join(' ').trim();
  return { campaignId, to: d.date, reason: reason ? cut(reason, 200) : undefined };
});

/** The open campaign the command means, or what to say instead. */
async function target(ctx: MessageContext, id: number | undefined): Promise<CampaignView | string> {
  const { campaigns } = ctx.services;
  if (id !== undefined) {
    const c = await campaigns.get(id);
    if (!c) return ctx.t('extend.unknown', { id });
    return c.status === 'OPEN' ? c : ctx.t('extend.not_open', { name: userText(c.name, 40), status: ctx.t(`status.${c.status}`) });
  }
  const open = await campaigns.byStatus(['OPEN']);
  if (open.length === 1) return open[0]!;
  return open.length === 0 ? ctx.t('campaign.none_open') : ctx.t('extend.which', { list: open.map((c) => `#${c.id} ${userText(c.name, 40)}`).join('、') });
}

export const campaignExtend = defineCommand({
  name: 'campaign extend',
  triggers: ['/campaign extend', '/延长申报', '/延长截止'],
  summaryKey: 'commands.campaign_extend',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const c = await target(ctx, a.campaignId);
    if (typeof c === 'string') {
      await ctx.reply(c);
      return;
    }
    const now = ctx.deps.clock.now();
    // The check, the new dates and the audit row in one transaction, read fresh from the database.
    const outcome = await ctx.deps.prisma.$transaction(async (tx) => {
      const rows = await tx.milestone.findMany({ where: { campaignId: c.id }, orderBy: { id: 'asc' } });
      const stored: MilestoneDates[] = rows.map((r) => ({ key: r.key, startsOn: r.startsOn as LocalDate, endsOn: r.endsOn as LocalDate | null }));
      const r = extendDeadline(stored, a.to, ctx.today());
      if (!r.ok) return r;
      for (const m of r.milestones) {
        const before = stored.find((s) => s.key === m.key);
        if (before && before.startsOn === m.startsOn && before.endsOn === m.endsOn) continue;
        const name = ctx.services.cycle.milestones.find((t) => t.id === m.key)?.name ?? m.key;
        await tx.milestone.upsert({ where: { campaignId_key: { campaignId: c.id, key: m.key } }, create: { campaignId: c.id, key: m.key, name, startsOn: m.startsOn, endsOn: m.endsOn }, update: { startsOn: m.startsOn, endsOn: m.endsOn } });
      }
      const pick = (ms: readonly MilestoneDates[]) => Object.fromEntries(ms.filter((m) => m.key === 'apply_deadline' || r.moved.includes(m.key)).map((m) => [m.key, m.startsOn]));
      await audit(tx, { actorId: ctx.userId, action: 'campaign.extend', target: `campaign:${c.id}`, before: pick(stored), after: { ...pick(r.milestones), reason: a.reason ?? null }, at: now });
      return { ...r, stored };
    });
    if (!outcome.ok) {
      await ctx.reply(outcome.code === 'not_later' ? ctx.t('extend.not_later', { current: outcome.current }) : ctx.t('extend.not_in_future', { today: outcome.today }));
      return;
    }
    const name = userText(c.name, 40);
    const nameOf = (key: string) => c.milestones.find((m) => m.key === key)?.name ?? key;
    const movedLines = outcome.moved.map((key) => ctx.t('extend.moved_line', { name: nameOf(key), from: outcome.stored.find((m) => m.key === key)!.startsOn, to: outcome.milestones.find((m) => m.key === key)!.startsOn }));
    const vars = { name, id: c.id, before: outcome.before ?? ctx.t('extend.unset'), after: a.to, days: outcome.shiftDays, reason: a.reason ? ctx.t('extend.reason', { reason: userText(a.reason, 200) }) : '' };
    const key = `extend:${c.id}:${a.to}`;
    // Every bound group hears it once (the key holds the new date), with the way to start an application.
    const notice = card(ctx.t('extend.notice_title', { name }), [md(ctx.t(outcome.moved.length ? 'extend.notice' : 'extend.notice_only', vars)), buttonRow([button(ctx.t('campaign.announce_button'), { a: 'apply.start', campaignId: c.id }, 'primary')])], 'orange');
    let groups = 0;
    for (const r of await ctx.services.directory.regions()) {
      if (!r.chatId) continue;
      await ctx.sendToChat(r.chatId, notice, `${key}:region:${r.id}`);
      groups++;
    }
    // Managers still filling in an application hear it in person, and their progress card gets its buttons back.
    const drafts = await ctx.deps.prisma.application.findMany({ where: { campaignId: c.id, status: 'DRAFT' }, select: { id: true } });
    const app = ctx.services.apply.app;
    const managers = new Set<string>();
    for (const d of drafts) {
      const view = await app.apps.get(d.id);
      if (!view) continue;
      managers.add(view.managerOpenId);
      await ctx.sendToUser(view.managerOpenId, ctx.t('extend.manager_notice', { unit: userText(view.unit.name, 40), after: a.to }), `${key}:app:${view.id}`);
      if (view.progressOutboxId) await ctx.patchCard({ outboxId: view.progressOutboxId }, app.cardFor(view, null));
    }
    const lines = movedLines.length ? ctx.t('extend.moved', { lines: movedLines.join('\n') }) : '';
    await ctx.reply(ctx.t('extend.done', { ...vars, moved: lines, groups, managers: managers.size }));
  },
});
