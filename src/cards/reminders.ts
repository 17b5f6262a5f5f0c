/** Why: the reminder cards (one per audience kind, each with a button to the next step) and the preview card, built from planned content. */
import type { Messages } from '../prompts/index.ts';
import type { Reminder, ReminderContent } from '../domain/reminders.ts';
import { weekday, type LocalDate } from '../domain/dates.ts';
import { button, buttonRow, card, hr, md, type Template } from './common.ts';
import { userText } from './markdown.ts';

/** Lists longer than this are cut, with a count of the rest, so a card stays far below Feishu's 30 KB. */
export const MAX_LIST = 30;
/** A manager holding many applications sees this many in detail (each with up to MAX_LIST missing items). */
export const MAX_APPLICATIONS = 10;
export const MAX_MISSING_LINES = 60;

/** Open Feishu tasks (issue 16): application id → link, and `${inspector}:${application id}` → link (null: no link yet). */
export interface ReminderTaskLinks {
  apps: Map<number, string | null>;
  visits: Map<string, string | null>;
}

export interface ReminderCardOptions {
  tierName: (id: string) => string;
  /** When given, an application or visit with an open task mentions the task instead of repeating its list. */
  tasks?: ReminderTaskLinks;
  /** The recipient (an inspector's visits are looked up under their open_id). */
  to?: string;
}

/** ", [打开任务](url)" when the task's link is known. */
function taskLink(m: Messages, url: string | null | undefined, key: 'surfaces.reminder.link' | 'surfaces.reminder.link_short'): string {
  return url && /^https?:\/\//.test(url) ? m.t(key, { url }) : '';
}

function when(m: Messages, days: number): string {
  if (days > 1) return m.t('reminders.when_days', { days });
  if (days === 1) return m.t('reminders.when_tomorrow');
  if (days === 0) return m.t('reminders.when_today');
  return m.t('reminders.when_past', { days: -days });
}

function headLine(m: Messages, c: ReminderContent): string {
  const vars = { milestone: c.milestoneName, date: c.anchor, when: when(m, c.daysLeft) };
  if (!c.isWindow) return m.t('reminders.head_point', vars);
  return m.t(c.anchorKind === 'end' ? 'reminders.head_end' : 'reminders.head_start', vars);
}

function clipped<T>(m: Messages, items: readonly T[], line: (t: T) => string, max = MAX_LIST): string {
  const shown = items.slice(0, max).map(line);
  if (items.length > max) shown.push(m.t('reminders.more', { n: items.length - max }));
  return shown.join('\n');
}

const statusButton = (m: Messages, campaignId: number) => button(m.t('reminders.status_button'), { a: 'campaign.status_card', id: campaignId }, 'default');

/** The card a reminder is sent as. Personal reminders lead to the next step; group ones to the status card. */
export function reminderCard(m: Messages, content: ReminderContent, o: ReminderCardOptions) {
  const c = content;
  const campaign = userText(c.campaignName, 60);
  const tier = o.tierName;
  const urgent: Template = c.daysLeft <= 1 ? 'red' : c.daysLeft <= 7 ? 'orange' : 'blue';
  const title = (key: string, extra: Record<string, string | number> = {}) => m.t(key, { milestone: c.milestoneName, when: when(m, c.daysLeft), campaign, ...extra });
  switch (c.kind) {
    case 'branch_manager': {
      // At most MAX_MISSING_LINES item lines in all, shared among the applications shown, so the card stays small.
      const perApp = Math.min(MAX_LIST, Math.max(5, Math.floor(MAX_MISSING_LINES / Math.min(c.applications.length, MAX_APPLICATIONS))));
      const blocks = c.applications.map((a) => {
        const unit = userText(a.unitName, 40);
        if (a.missing.length && o.tasks?.apps.has(a.applicationId)) {
          const summary = m.t('surfaces.task.app_summary', { unit, tier: tier(a.tier) });
          return m.t('surfaces.reminder.app_task', { unit, tier: tier(a.tier), n: a.missing.length, summary, link: taskLink(m, o.tasks.apps.get(a.applicationId), 'surfaces.reminder.link') });
        }
        if (!a.missing.length) return m.t('reminders.manager_unsubmitted', { unit, tier: tier(a.tier) });
        return [m.t('reminders.manager_missing', { unit, tier: tier(a.tier), n: a.missing.length }), clipped(m, a.missing, (x) => m.t('reminders.item', { item: userText(x, 40) }), perApp)].join('\n');
      });
      return card(title('reminders.title'), [
        md(headLine(m, c)),
        md(m.t('reminders.manager_intro', { campaign })),
        md(blocks.slice(0, MAX_APPLICATIONS).join('\n\n') + (blocks.length > MAX_APPLICATIONS ? `\n${m.t('reminders.more', { n: blocks.length - MAX_APPLICATIONS })}` : '')),
        buttonRow([button(m.t('reminders.resume_button'), { a: 'apply.resume' }, 'primary_filled'), button(m.t('reminders.mine_button'), { a: 'apply.mine' }, 'default')]),
      ], urgent);
    }
    case 'region_group': {
      const rows = c.rows.map((r) =>
        m.t(r.quota === null ? 'reminders.group_row_noquota' : 'reminders.group_row', { tier: tier(r.tier), submitted: r.submitted, quota: r.quota ?? 0, drafts: r.drafts }),
      );
      return card(title('reminders.title'), [
        md(headLine(m, c)),
        md(m.t('reminders.group_intro', { region: userText(c.regionName, 30), campaign, when: when(m, c.daysLeft) })),
        md(rows.join('\n')),
        buttonRow([statusButton(m, c.campaignId)]),
      ], urgent);
    }
    case 'member_admin':
      return card(title('reminders.member_title', { n: c.items.length }), [
        md(headLine(m, c)),
        md(m.t('reminders.member_intro', { n: c.items.length, campaign })),
        md(clipped(m, c.items, (i) => m.t('reminders.member_row', { unit: userText(i.unitName, 40), tier: tier(i.tier) }))),
        buttonRow([statusButton(m, c.campaignId)]),
      ], urgent);
    case 'inspector':
      return card(title('reminders.inspector_title', { n: c.visits.length }), [
        md(headLine(m, c)),
        md(m.t('reminders.inspector_intro', { n: c.visits.length, campaign })),
        md(clipped(m, c.visits, (v) => {
          const row = m.t('reminders.inspector_row', { date: v.date ?? m.t('reminders.date_tbd'), unit: userText(v.unitName, 40), tier: tier(v.tier), kind: m.has(`inspection.kind.${v.kind}`) ? m.t(`inspection.kind.${v.kind}`) : userText(v.kind, 20) });
          const key = `${o.to ?? v.inspectorOpenId}:${v.applicationId}`;
          return o.tasks?.visits.has(key) ? row + m.t('surfaces.reminder.visit_task', { link: taskLink(m, o.tasks.visits.get(key), 'surfaces.reminder.link_short') }) : row;
        })),
        buttonRow([statusButton(m, c.campaignId)]),
      ], urgent);
    case 'secretariat':
      return card(title('reminders.title'), [md(headLine(m, c)), md(m.t('reminders.secretariat_body', { campaign })), buttonRow([statusButton(m, c.campaignId)])], urgent);
    case 'escalation': {
      const line = (i: (typeof c.items)[number]) => {
        const key = i.what === 'incomplete' && i.detail.length ? 'reminders.escalation_incomplete_missing' : `reminders.escalation_${i.what}`;
        // Inspection details are dates the bot made; missing items come from the checklist data and are escaped.
        const detail = i.detail.slice(0, 5).map((x) => (i.what === 'inspection' ? x : userText(x, 40))).join('、') || m.t('reminders.date_tbd');
        return m.t(key, { unit: userText(i.unitName, 40), tier: tier(i.tier), detail });
      };
      return card(m.t('reminders.escalation_title', { milestone: c.milestoneName, region: userText(c.regionName, 30) }), [
        md(m.t('reminders.escalation_intro', { milestone: c.milestoneName, date: c.anchor, days: -c.daysLeft, region: userText(c.regionName, 30), n: c.items.length, campaign })),
        md(clipped(m, c.items, line)),
        md(m.t('reminders.escalation_footer')),
        buttonRow([statusButton(m, c.campaignId)]),
      ], 'red');
    }
    case 'digest': {
      const next = c.next.map((x) => m.t('reminders.digest_next', { name: x.name, date: x.date, days: x.days })).join('\n') || m.t('reminders.digest_no_next');
      const totals = c.totals.map((t) => m.t('reminders.digest_total', { tier: tier(t.tier), submitted: t.submitted, quota: t.quota, drafts: t.drafts })).join('\n');
      return card(m.t('reminders.digest_title', { campaign }), [
        md(m.t('reminders.digest_head', { phase: c.phase ?? m.t('reminders.digest_not_started'), week: c.anchor })),
        md(next),
        hr(),
        md(totals),
        md(m.t('reminders.digest_stats', { backlog: c.backlog, sent: c.sentLastWeek, failed: c.failedLastWeek })),
        buttonRow([statusButton(m, c.campaignId)]),
      ], 'wathet');
    }
  }
}

export interface PreviewOptions {
  days: number;
  timeZone: string;
  paused: { by: string | null; at: string } | null;
  /** Display names of people, where known (RoleGrant.name). */
  names: Map<string, string>;
  regionName: (id: number) => string;
  localDate: (d: Date) => LocalDate;
  localTime: (d: Date) => string;
  maxLines?: number;
}

function recipientLabel(m: Messages, r: Reminder, o: PreviewOptions): string {
  const who = r.to.type === 'open_id' ? userText(o.names.get(r.to.id) ?? r.to.id, 30) : '';
  const c = r.content;
  if (c.kind === 'branch_manager') return m.t('reminders.to_manager', { units: c.applications.map((a) => userText(a.unitName, 20)).slice(0, 3).join('、') });
  if (c.kind === 'region_group') return m.t('reminders.to_group', { region: userText(c.regionName, 30) });
  if (c.kind === 'escalation') return m.t('reminders.to_escalation', { who, region: userText(c.regionName, 30) });
  return m.t(`reminders.to_${r.kind}`, { who });
}

/** What would go out, by day: when, which kind, to whom, about what. Nothing is sent. */
export function previewCard(m: Messages, reminders: readonly Reminder[], o: PreviewOptions) {
  const max = o.maxLines ?? 60;
  const elements: unknown[] = [];
  if (o.paused) elements.push(md(m.t('reminders.preview_paused', { by: userText(o.paused.by ?? '—', 30), at: o.paused.at })));
  if (!reminders.length) {
    elements.push(md(m.t('reminders.preview_empty', { days: o.days })));
    return card(m.t('reminders.preview_title', { days: o.days }), elements, 'grey');
  }
  const lines: string[] = [];
  let day = '';
  for (const r of reminders.slice(0, max)) {
    const d = o.localDate(r.deliverAt);
    if (d !== day) {
      day = d;
      lines.push(m.t('reminders.preview_day', { date: d, weekday: m.t('reminders.weekdays').charAt(weekday(d) - 1) }));
    }
    const offset = r.kind === 'digest' ? '' : m.t(r.offsetDays > 0 ? 'reminders.offset_before' : r.offsetDays === 0 ? 'reminders.offset_day' : 'reminders.offset_after', { n: Math.abs(r.offsetDays) });
    lines.push(
      m.t(r.disposition === 'muted' ? 'reminders.preview_line_muted' : 'reminders.preview_line', {
        time: o.localTime(r.deliverAt),
        kind: m.t(`reminders.kind_${r.kind}`),
        to: recipientLabel(m, r, o),
        milestone: r.kind === 'digest' ? m.t('reminders.kind_digest') : r.content.milestoneName,
        offset,
      }),
    );
  }
  if (reminders.length > max) lines.push(m.t('reminders.more', { n: reminders.length - max }));
  const muted = reminders.filter((r) => r.disposition === 'muted').length;
  elements.push(md(m.t('reminders.preview_summary', { n: reminders.length, muted, days: o.days })), hr(), md(lines.join('\n')));
  return card(m.t('reminders.preview_title', { days: o.days }), elements, 'blue');
}
