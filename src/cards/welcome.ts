/** Why: the first card a person sees from the bot: what they can do now, given their roles, one button each. */
import type { Messages } from '../prompts/index.ts';
import { button, buttonRow, card, hr, md } from './common.ts';

/**
 * What a welcome button does: run a command as if typed (the same checks apply), or show how to type one that needs
 * arguments. Keys are stable: they travel in buttons' callback values and name the bot menu's event keys.
 */
export const FIRST_CONTACT_ACTIONS = {
  apply: { run: '/apply' },
  my_applications: { run: '/my' },
  campaign_status: { run: '/campaign status' },
  campaign_list: { run: '/campaign list' },
  reminders_preview: { run: '/reminders preview' },
  score: { run: '/score' },
  help: { run: '/help' },
  campaign_open: { usage: 'commands.campaign_open_usage' },
  quota_set: { usage: 'commands.quota_set_usage' },
  role_grant: { usage: 'commands.role_grant_usage' },
  chat_bind: { usage: 'commands.chat_bind_usage' },
} as const satisfies Record<string, { run: string } | { usage: string }>;
export type FirstContactKey = keyof typeof FIRST_CONTACT_ACTIONS;

export interface WelcomeFacts {
  roles: readonly string[];
  /** A campaign is taking applications now. */
  applying: boolean;
  /** A campaign exists that is not yet announced (there is a status to look at). */
  campaign: boolean;
  /** The person holds at least one application. */
  hasApplications: boolean;
}

/** The buttons for this person now, in the order they are most likely needed. Pure, so it is tested by table. */
export function welcomeKeys(f: WelcomeFacts): FirstContactKey[] {
  const has = (r: string) => f.roles.includes(r);
  const staff = ['secretariat', 'regional_admin', 'member_admin', 'inspector'].some(has);
  const keys: FirstContactKey[] = [];
  if (f.applying && !has('secretariat')) keys.push('apply');
  if (f.hasApplications) keys.push('my_applications');
  if (staff && f.campaign) keys.push('campaign_status');
  if (has('inspector')) keys.push('score');
  if (has('secretariat')) keys.push('campaign_list', 'campaign_open', 'quota_set', 'role_grant');
  if (has('secretariat') || has('regional_admin')) keys.push('chat_bind');
  if (staff && f.campaign) keys.push('reminders_preview');
  keys.push('help');
  return keys;
}

export function welcomeCard(m: Messages, f: WelcomeFacts): Record<string, unknown> {
  const roleNames = f.roles.map((r) => m.t(`roles.${r}`));
  const elements: unknown[] = [md(m.t('welcome.intro'))];
  elements.push(md(roleNames.length ? m.t('welcome.roles', { roles: [...new Set(roleNames)].join('、') }) : m.t('welcome.no_role')));
  if (!f.campaign) elements.push(md(m.t('welcome.no_campaign')));
  const keys = welcomeKeys(f);
  // Four buttons a row reads well on a phone; each row is its own column_set.
  for (let i = 0; i < keys.length; i += 4) {
    elements.push(buttonRow(keys.slice(i, i + 4).map((k) => button(m.t(`welcome.buttons.${k}`), { a: 'welcome.do', key: k }, k === keys[0] ? 'primary' : 'default'))));
  }
  elements.push(hr(), md(m.t('welcome.footer')));
  return card(m.t('welcome.title'), elements, 'blue');
}
