/** Why: the sandbox page is server-rendered HTML (no build step, no CDN); every word comes from prompts/zh-CN, escaped. */
import { ROLES } from '../../store/roles.ts';
import type { Sandbox } from './index.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON inside <script type="application/json">: `<` escaped so no text can close the script element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The words the browser script needs, by short name (the script never holds Chinese text of its own). */
const CLIENT_KEYS = [
  'p2p_chat', 'group', 'members', 'mention', 'empty', 'ahead', 'reset_confirm', 'reset_done', 'patched', 'required_missing',
  'failed', 'select_placeholder', 'chart', 'unsupported', 'link', 'error', 'hints', 'late',
  'urgent', 'tasks_title', 'tasks_empty', 'task_due', 'task_done', 'task_todo', 'bases_title', 'bases_empty', 'base_rows', 'base_open',
];

/** Fills every {name} with itself, so the browser gets the template and fills it there. */
const KEEP_PLACEHOLDERS = new Proxy({}, { get: (_t, name) => `{${String(name)}}` }) as Record<string, string>;

export function renderPage(sb: Sandbox, clock: { nowText: string; today: string; aheadDays: number }): string {
  const m = sb.messages;
  const t = (k: string, vars?: Record<string, string | number>) => escapeHtml(m.t(`sandbox.${k}`, vars));
  const groups = ROLES.map((role) => {
    const people = sb.demo.users.filter((u) => u.roles[0]?.role === role);
    if (!people.length) return '';
    const options = people.map((u) => `<option value="${escapeHtml(u.openId)}">${escapeHtml(u.name)}${u.title ? ` · ${escapeHtml(u.title)}` : ''}</option>`).join('');
    return `<optgroup label="${escapeHtml(m.t(`roles.${role}`))}">${options}</optgroup>`;
  }).join('');
  const data = {
    i18n: Object.fromEntries(CLIENT_KEYS.map((k) => [k, m.t(`sandbox.${k}`, KEEP_PLACEHOLDERS)])),
    botId: sb.fake.botOpenId,
    users: sb.demo.users.map((u) => ({ openId: u.openId, name: u.name })),
  };
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('title')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/assets/style.css">
</head>
<body>
<div class="banner" role="note">${t('banner')}</div>
<header class="bar">
  <h1>${t('title')}</h1>
  <label class="who">${t('who')} <select id="who">${groups}</select></label>
  <div class="clock" role="group" aria-label="${t('clock')}">
    <span>${t('clock')}</span>
    <strong id="now">${escapeHtml(clock.nowText)}</strong>
    <span id="ahead">${clock.aheadDays > 0 ? t('ahead', { days: clock.aheadDays }) : ''}</span>
    <button type="button" class="jump-days" data-days="1">${t('plus_day')}</button>
    <button type="button" class="jump-days" data-days="7">${t('plus_week')}</button>
    <input type="date" id="jump-date" min="${escapeHtml(clock.today)}" value="${escapeHtml(clock.today)}">
    <button type="button" id="jump">${t('jump')}</button>
  </div>
  <button type="button" id="reset" class="danger"${sb.resettable ? '' : ' disabled'}>${t('reset')}</button>
</header>
<main>
  <nav id="chats" aria-label="${t('chats')}"></nav>
  <section class="conv">
    <h2 id="chat-title"></h2>
    <div id="messages" aria-live="polite"></div>
    <div id="hints" class="hints"></div>
    <form id="composer" autocomplete="off">
      <textarea id="text" rows="2" placeholder="${t('placeholder')}" aria-label="${t('placeholder')}"></textarea>
      <label id="mention-wrap" title="${t('mention_tip')}"><input type="checkbox" id="mention" checked> ${t('mention')}</label>
      <button type="submit" id="send" class="primary">${t('send')}</button>
    </form>
  </section>
  <aside id="surfaces" aria-label="${t('surfaces_label')}">
    <section><h2>${t('tasks_title')}</h2><div id="tasks"></div></section>
    <section><h2>${t('bases_title')}</h2><div id="bases"></div></section>
  </aside>
</main>
<div id="toasts" aria-live="assertive"></div>
<script type="application/json" id="sandbox-data">${scriptJson(data)}</script>
<script type="module" src="/sandbox/assets/app.js"></script>
<script type="module" src="/sandbox/assets/surfaces.js"></script>
</body>
</html>
`;
}
