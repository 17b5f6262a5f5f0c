/** Why: the panel beside the chat: the chosen person's Feishu tasks and the Bases shared with them, polled from the sandbox. */
import { el } from './cards.js';

const data = JSON.parse(document.getElementById('sandbox-data').textContent);
const T = data.i18n;
const $ = (id) => document.getElementById(id);
const fill = (s, vars) => String(s).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
let last = '';

function taskNode(t) {
  const box = el('div', `task${t.done ? ' done' : ''}`);
  box.append(el('div', 'task-summary', t.summary));
  const meta = [t.done ? T.task_done : T.task_todo];
  if (t.due) meta.push(fill(T.task_due, { date: t.due }));
  box.append(el('div', 'task-meta', meta.join(' · ')));
  box.append(el('div', 'task-desc', t.description));
  return box;
}

function cell(v) {
  return v === null || v === undefined ? '' : String(v);
}

function baseNode(b) {
  const box = el('div', 'base');
  box.append(el('div', 'base-name', b.name));
  box.append(el('div', 'task-meta', fill(T.base_open, { url: b.url })));
  for (const t of b.tables) {
    box.append(el('div', 'task-meta', fill(T.base_rows, { name: t.name, total: t.total })));
    const table = el('table');
    const head = el('tr');
    for (const f of t.fields) head.append(el('th', null, f));
    table.append(head);
    for (const r of t.rows) {
      const tr = el('tr');
      for (const v of r) tr.append(el('td', null, cell(v)));
      table.append(tr);
    }
    box.append(table);
  }
  return box;
}

async function refresh() {
  const as = $('who').value;
  try {
    const res = await fetch(`/sandbox/api/surfaces?as=${encodeURIComponent(as)}`, { cache: 'no-store' });
    if (!res.ok) return;
    const s = await res.json();
    const key = JSON.stringify(s);
    if (key === last) return;
    last = key;
    $('tasks').replaceChildren(...(s.tasks.length ? s.tasks.map(taskNode) : [el('div', 'surfaces-empty', T.tasks_empty)]));
    $('bases').replaceChildren(...(s.bases.length ? s.bases.map(baseNode) : [el('div', 'surfaces-empty', T.bases_empty)]));
  } catch {
    // The chat panel shows when the sandbox is unreachable; this one simply keeps what it last showed.
  }
}

$('who').addEventListener('change', () => {
  last = '';
  void refresh();
});
void refresh();
setInterval(() => void refresh(), 2000);
