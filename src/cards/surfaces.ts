/** Why: what the work surfaces say (task titles and descriptions, the urgent list card, the dashboard link card), built from prompts, pure. */
import type { Messages } from '../prompts/index.ts';
import type { Card } from '../pipeline/context.ts';
import { card, hr, md } from './common.ts';
import { clip, userText } from './markdown.ts';

/** Task descriptions are plain text (≤ 3000 characters in Feishu); this many missing items are listed in full. */
export const MAX_TASK_ITEMS = 30;

/** Feishu's AppLink that opens the bot's p2p chat (Lark tenants use applink.larksuite.com). */
export function botChatLink(appId: string, domain: string): string {
  const host = /larksuite\.com/i.test(domain) ? 'applink.larksuite.com' : 'applink.feishu.cn';
  return `https://${host}/client/bot/open?appId=${encodeURIComponent(appId)}`;
}

export interface AppTaskText {
  campaign: string;
  milestone: string;
  dueOn: string;
  unit: string;
  tier: string;
  missing: string[];
}

export function appTaskSummary(m: Messages, t: Pick<AppTaskText, 'unit' | 'tier'>): string {
  return clip(m.t('surfaces.task.app_summary', { unit: t.unit, tier: t.tier }), 200);
}

export function appTaskDescription(m: Messages, t: AppTaskText): string {
  const shown = t.missing.slice(0, MAX_TASK_ITEMS).map((x) => `- ${clip(x, 60)}`);
  if (t.missing.length > MAX_TASK_ITEMS) shown.push(m.t('surfaces.task.app_more', { n: t.missing.length - MAX_TASK_ITEMS }));
  return clip(m.t('surfaces.task.app_description', { campaign: clip(t.campaign, 60), milestone: t.milestone, date: t.dueOn, n: t.missing.length, items: shown.join('\n') }), 3000);
}

export interface InspTaskText {
  campaign: string;
  milestone: string;
  dueOn: string | null;
  unit: string;
  tier: string;
  kind: string;
}

export function inspTaskSummary(m: Messages, t: InspTaskText): string {
  return clip(m.t('surfaces.task.insp_summary', { unit: t.unit, tier: t.tier, kind: t.kind }), 200);
}

export function inspTaskDescription(m: Messages, t: InspTaskText): string {
  const vars = { campaign: clip(t.campaign, 60), milestone: t.milestone, date: t.dueOn ?? '', unit: clip(t.unit, 60), kind: t.kind };
  return clip(m.t(t.dueOn ? 'surfaces.task.insp_description' : 'surfaces.task.insp_description_nodate', vars), 3000);
}

/** A button that opens a link in Feishu (card JSON 2.0 `open_url` behavior). */
export function linkButton(text: string, url: string, type: 'primary_filled' | 'default' = 'primary_filled'): Record<string, unknown> {
  return { tag: 'button', text: { tag: 'plain_text', content: text }, type, behaviors: [{ type: 'open_url', default_url: url }] };
}

export interface UrgentNotice {
  campaign: string;
  milestone: string;
  date: string;
  regionName: string;
  units: Array<{ unitName: string; tier: string; missing: string[]; urgent: boolean }>;
}

/** To a region's admins on the deadline day: the units still incomplete whose managers have not read the reminder. */
export function urgentNoticeCard(m: Messages, n: UrgentNotice): Card {
  const lines = n.units.slice(0, 50).map((u) => m.t('surfaces.urgent.line', { unit: userText(u.unitName, 40), tier: u.tier, n: u.missing.length, mark: m.t(u.urgent ? 'surfaces.urgent.marked' : 'surfaces.urgent.unmarked') }));
  if (n.units.length > 50) lines.push(m.t('reminders.more', { n: n.units.length - 50 }));
  return card(m.t('surfaces.urgent.title', { milestone: n.milestone, region: userText(n.regionName, 30) }), [
    md(m.t('surfaces.urgent.intro', { milestone: n.milestone, date: n.date, n: n.units.length, campaign: userText(n.campaign, 60) })),
    md(lines.join('\n')),
    hr(),
    md(m.t('surfaces.urgent.footer')),
  ], 'red');
}

export interface DashboardLink {
  name: string;
  url: string;
  applications: number;
  results: number;
  regionName: string | null;
}

/** The answer to /dashboard once the Base exists: what it holds and a button that opens it. */
export function dashboardCard(m: Messages, d: DashboardLink): Card {
  const region = d.regionName ? userText(d.regionName, 30) : m.t('surfaces.dashboard.all_regions');
  return card(m.t('surfaces.dashboard.title', { name: userText(d.name, 80) }), [
    md(m.t('surfaces.dashboard.ready', { apps: d.applications, results: d.results, region_note: region })),
    { tag: 'column_set', flex_mode: 'flow', horizontal_spacing: '8px', columns: [{ tag: 'column', width: 'auto', elements: [linkButton(m.t('surfaces.dashboard.open_button'), d.url)] }] },
  ], 'turquoise');
}
