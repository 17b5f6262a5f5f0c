/** Why: draws Feishu card JSON 2.0 as DOM nodes (text only, never innerHTML) and turns clicks into real card callbacks. */
// ctx = { i18n, act(payload, control) → Promise, notify(text) }; payload = { value, tag, option?, inputValue?, formValue?, name? }.

const TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey']);
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#3370ff', '#34c724', '#ff8800', '#7f3bf5', '#f54a45', '#14c0ff', '#ffc60a'];

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

const fill = (s, vars) => String(s).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
const plain = (t) => (t && typeof t.content === 'string' ? t.content : '');
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const callbackOf = (e) => (Array.isArray(e.behaviors) ? e.behaviors.find((b) => b && b.type === 'callback') : undefined)?.value;
const urlOf = (e) => (Array.isArray(e.behaviors) ? e.behaviors.find((b) => b && b.type === 'open_url') : undefined)?.default_url;

/** `&lt;` `&#42;` … back to characters: the bot escapes user text this way, and Feishu shows the characters. */
export function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
  });
}

// **bold**, ~~strike~~, `code`, [text](url) (shown as text), <at id=…></at>, Feishu's styling tags (markup dropped,
// text kept), *italic*. Anything else, <img …> included, stays literal text.
const INLINE = /\*\*(.+?)\*\*|~~(.+?)~~|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|<at\b[^>]*?id=['"]?([\w-]+)['"]?[^>]*>[^<]*<\/at>|<\/?(?:font|text_tag|link|number_tag|local_datetime)\b[^>]*>|\*([^*\s][^*]*)\*/gi;

function inline(parent, text, i18n) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) parent.append(decodeEntities(text.slice(last, m.index)));
    if (m[1] !== undefined) parent.append(wrap('strong', m[1], i18n));
    else if (m[2] !== undefined) parent.append(wrap('s', m[2], i18n));
    else if (m[3] !== undefined) parent.append(el('code', null, decodeEntities(m[3])));
    else if (m[4] !== undefined) {
      const a = el('span', 'md-link', decodeEntities(m[4]));
      a.title = fill(i18n.link, { url: decodeEntities(m[5]) });
      parent.append(a);
    } else if (m[6] !== undefined) parent.append(el('span', 'md-at', `@${m[6]}`));
    else if (m[7] !== undefined) parent.append(wrap('em', m[7], i18n));
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(decodeEntities(text.slice(last)));
}

function wrap(tag, text, i18n) {
  const e = el(tag);
  inline(e, text, i18n);
  return e;
}

/** Card markdown, a safe subset: paragraphs and line breaks, lists, headings, hr, inline styles; every character as text. */
export function markdown(content, i18n) {
  const root = el('div', 'md');
  let list = null;
  for (const line of String(content ?? '').split('\n')) {
    const li = /^\s*(?:([-*+])|(\d+)\.)\s+(.*)$/.exec(line);
    if (li) {
      const kind = li[1] ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== kind) {
        list = el(kind);
        if (li[2]) list.start = Number(li[2]);
        root.append(list);
      }
      list.append(wrap('li', li[3], i18n));
      continue;
    }
    list = null;
    if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
      root.append(el('hr'));
      continue;
    }
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    const p = el('div', h ? 'md-h' : 'md-p');
    inline(p, h ? h[1] : line, i18n);
    if (!line.trim()) p.append('\u00a0');
    root.append(p);
  }
  return root;
}

export function renderCard(card, ctx) {
  const root = el('div', 'card');
  const h = isObj(card) ? card.header : undefined;
  if (isObj(h)) {
    const head = el('div', `card-header tpl-${TEMPLATES.has(h.template) ? h.template : 'default'}`);
    head.append(el('div', 'card-title', plain(h.title)));
    if (h.subtitle) head.append(el('div', 'card-subtitle', plain(h.subtitle)));
    for (const tg of Array.isArray(h.text_tag_list) ? h.text_tag_list : []) head.append(el('span', 'tag', plain(tg.text)));
    root.append(head);
  }
  const body = el('div', 'card-body');
  renderElements(body, isObj(card) && isObj(card.body) && Array.isArray(card.body.elements) ? card.body.elements : [], ctx, null);
  root.append(body);
  return root;
}

function renderElements(parent, elements, ctx, form) {
  for (const e of elements) if (isObj(e)) parent.append(renderElement(e, ctx, form));
}

function renderElement(e, ctx, form) {
  const i18n = ctx.i18n;
  switch (e.tag) {
    case 'markdown': {
      const md = markdown(e.content, i18n);
      if (e.text_align) md.style.textAlign = e.text_align;
      return md;
    }
    case 'div': {
      const d = el('div', 'card-div');
      if (isObj(e.text)) d.append(e.text.tag === 'lark_md' ? markdown(e.text.content, i18n) : el('div', 'plain', plain(e.text)));
      for (const f of Array.isArray(e.fields) ? e.fields : []) {
        const cell = el('div', f.is_short ? 'field short' : 'field');
        if (isObj(f.text)) cell.append(f.text.tag === 'lark_md' ? markdown(f.text.content, i18n) : el('div', 'plain', plain(f.text)));
        d.append(cell);
      }
      return d;
    }
    case 'hr':
      return el('hr');
    case 'column_set': {
      const row = el('div', `cols flex-${e.flex_mode || 'none'}`);
      for (const col of Array.isArray(e.columns) ? e.columns : []) row.append(renderElement({ ...col, tag: 'column' }, ctx, form));
      return row;
    }
    case 'column': {
      const c = el('div', 'col');
      c.style.flex = e.width === 'auto' ? '0 0 auto' : `${Number(e.weight) || 1} 1 0`;
      renderElements(c, Array.isArray(e.elements) ? e.elements : [], ctx, form);
      return c;
    }
    case 'collapsible_panel': {
      const d = el('details', 'panel');
      d.open = e.expanded === true;
      const title = isObj(e.header) ? e.header.title : undefined;
      const s = el('summary');
      s.append(isObj(title) && title.tag === 'markdown' ? markdown(title.content, i18n) : plain(title));
      d.append(s);
      renderElements(d, Array.isArray(e.elements) ? e.elements : [], ctx, form);
      return d;
    }
    case 'form': {
      const f = el('form', 'card-form');
      f.noValidate = true;
      f.addEventListener('submit', (ev) => ev.preventDefault());
      renderElements(f, Array.isArray(e.elements) ? e.elements : [], ctx, { name: e.name, fields: [] });
      return f;
    }
    case 'button':
      return button(e, ctx, form);
    case 'select_static':
    case 'date_picker':
    case 'input':
      return field(e, ctx, form);
    case 'chart':
      return chart(isObj(e.chart_spec) ? e.chart_spec : {}, i18n);
    default:
      return el('div', 'unsupported', fill(i18n.unsupported, { tag: String(e.tag) }));
  }
}

function button(e, ctx, form) {
  const b = el('button', `btn btn-${e.type || 'default'}`, plain(e.text));
  b.type = 'button';
  b.disabled = e.disabled === true;
  const cb = callbackOf(e);
  const url = urlOf(e);
  if (url) b.title = fill(ctx.i18n.link, { url });
  b.addEventListener('click', async () => {
    if (isObj(e.confirm) && !window.confirm(`${plain(e.confirm.title)}\n${plain(e.confirm.text)}`)) return;
    if (form && e.form_action_type === 'reset') return form.fields.forEach((f) => f.reset());
    const payload = { value: isObj(cb) ? cb : {}, tag: 'button' };
    if (e.name) payload.name = e.name;
    if (form && e.form_action_type === 'submit') {
      const values = collect(form);
      if (!values) return ctx.notify(ctx.i18n.required_missing);
      payload.formValue = values;
    } else if (!isObj(cb)) return;
    await ctx.act(payload, b);
  });
  return b;
}

/** select_static, date_picker and input: a named field inside a form, or a control that calls back on change. */
function field(e, ctx, form) {
  const wrapEl = el('label', 'field-wrap');
  if (isObj(e.label)) wrapEl.append(el('span', 'label', plain(e.label)));
  let input;
  if (e.tag === 'select_static') {
    input = el('select');
    input.append(new Option(plain(e.placeholder) || ctx.i18n.select_placeholder, ''));
    for (const o of Array.isArray(e.options) ? e.options : []) input.append(new Option(plain(o.text), String(o.value)));
    if (e.initial_option !== undefined) input.value = String(e.initial_option);
    else if (Number.isInteger(e.initial_index)) input.selectedIndex = e.initial_index + 1;
  } else if (e.tag === 'date_picker') {
    input = el('input');
    input.type = 'date';
    if (e.initial_date) input.value = e.initial_date;
  } else {
    input = el(e.input_type === 'multiline_text' ? 'textarea' : 'input');
    if (e.input_type === 'password') input.type = 'password';
    if (e.default_value !== undefined) input.value = String(e.default_value);
    if (e.max_length) input.maxLength = e.max_length;
  }
  if (isObj(e.placeholder) && e.tag !== 'select_static') input.placeholder = plain(e.placeholder);
  input.disabled = e.disabled === true;
  if (e.required) wrapEl.classList.add('required');
  if (e.name) input.name = e.name;
  wrapEl.append(input);
  const initial = input.value;
  const read = () => (e.tag === 'date_picker' && input.value ? `${input.value} +0800` : input.value);
  if (form && e.name) {
    form.fields.push({ name: e.name, required: e.required === true, input, read, reset: () => (input.value = initial) });
    return wrapEl;
  }
  const cb = callbackOf(e) ?? (isObj(e.value) ? e.value : {});
  input.addEventListener('change', () => {
    if (e.tag === 'input') return void ctx.act({ value: cb, tag: 'input', inputValue: input.value, ...(e.name ? { name: e.name } : {}) }, input);
    if (input.value) void ctx.act({ value: cb, tag: e.tag, option: read(), ...(e.name ? { name: e.name } : {}) }, input);
  });
  return wrapEl;
}

/** form_value: every named field of the form; null (nothing sent) when a required one is empty, as Feishu does. */
function collect(form) {
  const out = {};
  let missing = false;
  for (const f of form.fields) {
    const v = f.read();
    const empty = v === '';
    f.input.classList.toggle('missing', f.required && empty);
    if (f.required && empty) missing = true;
    out[f.name] = v;
  }
  return missing ? null : out;
}

function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/** A VChart spec's data as rows of (category, series, value), whatever the chart type. */
export function chartRows(spec) {
  const data = Array.isArray(spec.data) ? spec.data : isObj(spec.data) ? [spec.data] : [];
  const values = data.flatMap((d) => (isObj(d) && Array.isArray(d.values) ? d.values : []));
  const first = (f) => (Array.isArray(f) ? f[0] : f);
  const horizontal = spec.direction === 'horizontal';
  const cat = first(spec.categoryField ?? (horizontal ? spec.yField : spec.xField));
  const val = first(spec.valueField ?? (horizontal ? spec.xField : spec.yField));
  const ser = spec.seriesField ?? (Array.isArray(spec.xField) ? spec.xField[1] : undefined);
  return values.filter(isObj).map((v) => ({ label: String(v[cat] ?? ''), series: ser ? String(v[ser] ?? '') : '', value: Number(v[val]) || 0 }));
}

/** A chart drawn as labelled horizontal bars (pie slices with their share): a plain fallback for every chart type. */
export function chart(spec, i18n) {
  const box = el('figure', 'chart');
  const title = isObj(spec.title) && typeof spec.title.text === 'string' ? `${spec.title.text} · ` : '';
  box.append(el('figcaption', null, title + fill(i18n.chart, { type: String(spec.type ?? '?') })));
  const rows = chartRows(spec);
  if (!rows.length) return box;
  const max = Math.max(...rows.map((r) => r.value), 0) || 1;
  const total = rows.reduce((s, r) => s + r.value, 0) || 1;
  const series = [...new Set(rows.map((r) => r.series))];
  const rowH = 24, labelW = 170, barW = 260, width = labelW + barW + 80;
  const s = svg('svg', { viewBox: `0 0 ${width} ${rows.length * rowH + 4}`, width, height: rows.length * rowH + 4, role: 'img' });
  rows.forEach((r, i) => {
    const y = i * rowH + 2;
    s.append(svg('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', class: 'chart-label' }, r.series ? `${r.label} · ${r.series}` : r.label));
    s.append(svg('rect', { x: labelW, y: y + 3, width: Math.max(1, (r.value / max) * barW), height: rowH - 8, rx: 3, fill: PALETTE[series.indexOf(r.series) % PALETTE.length] }));
    const share = spec.type === 'pie' ? ` (${Math.round((r.value / total) * 100)}%)` : '';
    s.append(svg('text', { x: labelW + Math.max(1, (r.value / max) * barW) + 6, y: y + 15, class: 'chart-value' }, `${r.value}${share}`));
  });
  box.append(s);
  return box;
}
