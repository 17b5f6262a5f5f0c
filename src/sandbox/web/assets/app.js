/** Why: the sandbox page's behaviour: pick a person and a chat, type, click cards, move the clock; polls a JSON endpoint. */
import { el, renderCard } from './cards.js';

const data = JSON.parse(document.getElementById('sandbox-data').textContent);
const T = data.i18n;
const $ = (id) => document.getElementById(id);
const fill = (s, vars) => String(s).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
const params = new URLSearchParams(location.search);
const state = {
  as: data.users.some((u) => u.openId === params.get('as')) ? params.get('as') : data.users[0].openId,
  chat: params.get('chat') || '',
  rendered: new Map(),
  seen: {},
  hints: '',
  busy: false,
  again: false,
  /** Bumped on every switch of person or chat: a poll answered for an earlier choice is dropped, not applied. */
  gen: 0,
};
$('who').value = state.as;

async function api(path, body) {
  const init = body === undefined ? { cache: 'no-store' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
  return json;
}

function toast(type, content) {
  const t = el('div', `toast toast-${type}`, content);
  $('toasts').append(t);
  setTimeout(() => t.remove(), 5000);
}

const fail = (err) => toast('error', fill(T.error, { reason: err.message }));

/** Fetches the state of the chosen person and chat; overlapping calls collapse into one more call. */
async function refresh() {
  if (state.busy) return void (state.again = true);
  state.busy = true;
  const gen = state.gen;
  try {
    const s = await api(`/sandbox/api/state?as=${encodeURIComponent(state.as)}&chat=${encodeURIComponent(state.chat)}`);
    // The person clicked another chat (or person) while this poll was out: its answer is for the old choice.
    if (gen === state.gen) apply(s);
    else state.again = true;
    document.body.classList.remove('offline');
  } catch {
    document.body.classList.add('offline');
  } finally {
    state.busy = false;
    if (state.again) {
      state.again = false;
      void refresh();
    }
  }
}

function apply(s) {
  $('now').textContent = s.nowText;
  $('ahead').textContent = s.aheadDays > 0 ? fill(T.ahead, { days: s.aheadDays }) : '';
  const date = $('jump-date');
  date.min = s.today;
  if (!date.value || date.value < s.today) date.value = s.today;
  $('reset').disabled = !s.resettable;
  if (s.chat !== state.chat) clearMessages();
  state.chat = s.chat;
  history.replaceState(null, '', `?as=${encodeURIComponent(state.as)}&chat=${encodeURIComponent(state.chat)}`);
  const current = s.chats.find((c) => c.id === s.chat);
  state.seen[`${state.as}|${s.chat}`] = current ? current.count : 0;
  renderChats(s.chats);
  $('chat-title').textContent = current ? current.name : '';
  $('mention-wrap').hidden = !current || current.type !== 'group';
  renderHints(s.hints);
  renderMessages(s.messages);
}

function renderChats(chats) {
  const nav = $('chats');
  nav.replaceChildren(
    ...chats.map((c) => {
      const b = el('button', `chat${c.id === state.chat ? ' active' : ''}`);
      b.type = 'button';
      b.dataset.chat = c.id;
      b.append(el('span', 'chat-name', c.name));
      b.append(el('span', 'chat-kind', c.type === 'group' ? `${T.group} · ${fill(T.members, { count: c.members })}` : ''));
      // What was there when the page first saw a chat counts as read; later messages show as unread until opened.
      const key = `${state.as}|${c.id}`;
      state.seen[key] ??= c.count;
      const unread = c.count - state.seen[key];
      if (unread > 0 && c.id !== state.chat) b.append(el('span', 'badge', String(unread)));
      b.addEventListener('click', () => switchTo(state.as, c.id));
      return b;
    }),
  );
}

function renderHints(hints) {
  const key = hints.join('\n');
  if (key === state.hints) return;
  state.hints = key;
  const box = $('hints');
  box.replaceChildren(el('span', 'hints-label', T.hints));
  for (const h of hints) {
    const b = el('button', 'hint', h);
    b.type = 'button';
    b.addEventListener('click', () => {
      $('text').value = h;
      $('text').focus();
    });
    box.append(b);
  }
}

function clearMessages() {
  state.rendered.clear();
  $('messages').replaceChildren();
}

/** Updates the list in place: a message is redrawn only when its `sig` changes (a patched card), so typing in a card survives polls. */
function renderMessages(list) {
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const ids = new Set(list.map((m) => m.id));
  for (const [id, r] of state.rendered) if (!ids.has(id)) (r.node.remove(), state.rendered.delete(id));
  box.querySelector('.empty')?.remove();
  let prev = null;
  let added = false;
  for (const m of list) {
    let r = state.rendered.get(m.id);
    if (!r || r.sig !== m.sig) {
      const node = messageNode(m);
      if (r) r.node.replaceWith(node);
      else {
        if (prev) prev.after(node);
        else box.prepend(node);
        added = true;
      }
      r = { sig: m.sig, node };
      state.rendered.set(m.id, r);
    }
    prev = r.node;
  }
  if (!list.length) box.append(el('div', 'empty', T.empty));
  if (added && atBottom) box.scrollTop = box.scrollHeight;
}

function messageNode(m) {
  const mine = m.kind === 'user' && m.senderId === state.as;
  const row = el('div', `msg ${m.kind === 'bot' ? 'from-bot' : mine ? 'from-me' : 'from-other'}`);
  row.dataset.id = m.id;
  const meta = el('div', 'meta');
  meta.append(el('span', 'sender', m.senderName), el('span', 'time', m.time));
  if (m.patches) meta.append(el('span', 'patched', T.patched));
  if (m.urgent) meta.append(el('span', 'urgent', T.urgent));
  row.append(meta);
  if (m.card) {
    row.append(renderCard(m.card, { i18n: T, act: (payload, control) => act(m.id, payload, control), notify: (text) => toast('warning', text) }));
  } else {
    const bubble = el('div', 'bubble');
    if (m.mentionBot) bubble.append(el('span', 'md-at', `${T.mention} `));
    bubble.append(m.text ?? '');
    row.append(bubble);
  }
  if (m.error) row.append(el('div', 'error', fill(T.failed, { reason: m.error })));
  return row;
}

/** A click on a card: a real card.action.trigger through the fake; the bot's toast is shown, a patched card is redrawn. */
async function act(messageId, payload, control) {
  control.disabled = true;
  control.classList.add('busy');
  try {
    const r = await api('/sandbox/api/action', { as: state.as, messageId, ...payload });
    if (r.toast) toast(r.toast.type || 'info', r.toast.content || '');
    if (!r.ok) toast('error', fill(T.error, { reason: `HTTP ${r.status}` }));
    else if (r.late) toast('error', T.late);
  } catch (err) {
    fail(err);
  } finally {
    control.disabled = false;
    control.classList.remove('busy');
    void refresh();
  }
}

function switchTo(as, chat) {
  state.gen += 1;
  state.as = as;
  state.chat = chat;
  clearMessages();
  void refresh();
}

$('who').addEventListener('change', () => switchTo($('who').value, ''));

$('composer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  $('text').value = '';
  try {
    await api('/sandbox/api/send', { as: state.as, chatId: state.chat, text, mentionBot: $('mention').checked });
  } catch (err) {
    $('text').value = text;
    fail(err);
  }
  void refresh();
});

$('text').addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    $('composer').requestSubmit();
  }
});

async function moveClock(body) {
  try {
    toast('success', (await api('/sandbox/api/clock', body)).message);
  } catch (err) {
    fail(err);
  }
  void refresh();
}

for (const b of document.querySelectorAll('.jump-days')) b.addEventListener('click', () => moveClock({ days: Number(b.dataset.days) }));
$('jump').addEventListener('click', () => moveClock({ date: $('jump-date').value }));

$('reset').addEventListener('click', async () => {
  if (!window.confirm(T.reset_confirm)) return;
  try {
    toast('success', (await api('/sandbox/api/reset', {})).message);
    state.seen = {};
    clearMessages();
  } catch (err) {
    fail(err);
  }
  void refresh();
});

void refresh();
setInterval(() => void refresh(), 1000);
