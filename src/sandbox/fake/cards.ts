/** Why: a card that passes a loose fake but carries an unsupported field fails in real Feishu, so check cards like Feishu does. */
// Error codes (Feishu im/v1 message create/reply/patch docs, "230099 子错误码"): an invalid card is answered HTTP 400
// `{"code":230099,"msg":"Failed to create card content, ext=ErrCode: <sub>; ErrPath: ROOT -> …; ErrMsg: …; ErrorValue: …"}`.
// Sub-codes used here: 200621 "parse card json err" (content is not JSON), 200861 "cards of schema V2 no longer support
// this capability" (v1-only tags such as action/note, seen in the wild as ErrPath "ROOT -> body -> elements -> [1](tag:
// action)"), 200550 "chart spec is invalid", and 11310 (ErrMsg %v: the generic schema failure, seen in the wild as
// "ErrPath: ROOT -> elements -> [1](tag: form); ErrMsg: form's name is required" and "name(x) duplicate"). Feishu
// publishes no distinct sub-code for "unsupported property", so 11310 is used for it; this is our choice, not a quote.
// A card over 30 KB is refused with the message-level code 230025 ("The length of the message content reaches its limit").
import {
  CardRuleError, CONTAINER_RULES, LEAF_RULES, ROOT_RULES, V1_ONLY_TAGS, isPlainObject, type Check,
} from './cardRules.ts';

export type CardFailure = {
  ok: false;
  /** Feishu-style path, e.g. `ROOT -> body -> elements -> [0](tag: button) -> behaviours`. */
  path: string;
  reason: string;
  /** Top-level code real Feishu answers: 230099 (invalid card) or 230025 (too large). */
  code: number;
  /** The 230099 sub-code (ErrCode in the msg), when code is 230099. */
  subCode?: number;
};
export type CardCheck = { ok: true } | CardFailure;

export const CARD_MAX_BYTES = 30 * 1024;
export const CARD_MAX_ELEMENTS = 200;
export const CARD_MAX_CHARTS = 5;
const MAX_CONTAINER_DEPTH = 5;
const FORM_FIELD_TAGS = new Set(['input', 'select_static', 'date_picker', 'button']);

interface Walk {
  ids: Set<string>;
  names: Set<string>;
  count: number;
  charts: number;
  form?: { submit: boolean };
}

const bad = (at: string[], reason: string, code?: number): never => {
  throw new CardRuleError(at, reason, code);
};

/** Check a card (object or JSON string) against card JSON 2.0 as far as the components we use are concerned. */
export function validateCard(card: unknown): CardCheck {
  let value = card;
  if (typeof card === 'string') {
    try {
      value = JSON.parse(card);
    } catch (e) {
      return { ok: false, path: 'ROOT', reason: `parse card json err: ${(e as Error).message}`, code: 230099, subCode: 200621 };
    }
  }
  const bytes = Buffer.byteLength(typeof card === 'string' ? card : JSON.stringify(card ?? null));
  if (bytes > CARD_MAX_BYTES) {
    return { ok: false, path: 'ROOT', reason: `card is ${bytes} bytes; the limit is ${CARD_MAX_BYTES} (30 KB)`, code: 230025 };
  }
  try {
    checkRoot(value);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof CardRuleError)) throw e;
    return { ok: false, path: e.path.join(' -> '), reason: e.reason, code: 230099, subCode: e.errCode };
  }
}

/** The `msg` real Feishu puts on a 230099/230025 answer for this failure. */
export function describeCardFailure(f: CardFailure): string {
  if (f.code !== 230099) return `The length of the message content reaches its limit. ${f.reason}`;
  return `Failed to create card content, ext=ErrCode: ${f.subCode}; ErrPath: ${f.path}; ErrMsg: ${f.reason};`;
}

function checkRoot(card: unknown): void {
  const at = ['ROOT'];
  if (!isPlainObject(card)) return bad(at, 'card must be a JSON object', 200621);
  for (const k of Object.keys(card)) {
    if (!['schema', 'config', 'card_link', 'header', 'body'].includes(k)) {
      bad([...at, k], `property "${k}" is not supported at the card root (JSON 2.0 has schema, config, card_link, header, body)`);
    }
  }
  if (card.schema !== '2.0') bad([...at, 'schema'], 'this project sends card JSON 2.0 only: declare "schema": "2.0"');
  for (const k of ['config', 'card_link', 'header'] as const) {
    if (card[k] !== undefined) (ROOT_RULES[k] as Check)(card[k], [...at, k]);
  }
  if (card.body === undefined) return;
  ROOT_RULES.body(card.body, [...at, 'body']);
  const walk: Walk = { ids: new Set(), names: new Set(), count: 0, charts: 0 };
  const elements = (card.body as Record<string, unknown>).elements;
  if (elements !== undefined) children(elements, [...at, 'body', 'elements'], walk, 'body', 0);
}

type Parent = 'body' | 'form' | 'column' | 'collapsible_panel';

function children(list: unknown, at: string[], w: Walk, parent: Parent, depth: number): void {
  if (!Array.isArray(list)) return bad(at, 'expected an array of components');
  list.forEach((el, i) => element(el, at, i, w, parent, depth));
}

function element(el: unknown, parentAt: string[], i: number, w: Walk, parent: Parent, depth: number): void {
  if (!isPlainObject(el)) return bad([...parentAt, `[${i}]`], 'a component must be a JSON object');
  const tag = el.tag;
  const at = [...parentAt, `[${i}](tag: ${String(tag)})`];
  if (typeof tag !== 'string') return bad(at, 'a component needs a string "tag"');
  if (++w.count > CARD_MAX_ELEMENTS) bad(at, `a card holds at most ${CARD_MAX_ELEMENTS} components`);
  if (V1_ONLY_TAGS.has(tag)) {
    bad(at, `cards of schema V2 no longer support this capability; ErrorValue: unsupported tag ${tag}`, 200861);
  }
  if (typeof el.element_id === 'string') {
    if (w.ids.has(el.element_id)) bad([...at, 'element_id'], `element_id(${el.element_id}) duplicate`);
    w.ids.add(el.element_id);
  }
  if (typeof el.name === 'string') {
    if (w.names.has(el.name)) bad([...at, 'name'], `name(${el.name}) duplicate`);
    w.names.add(el.name);
  }
  const leaf = LEAF_RULES[tag];
  if (leaf) {
    leaf(el, at);
    leafRules(el, tag, at, w);
    return;
  }
  const container = CONTAINER_RULES[tag];
  if (!container) {
    return bad(at, `tag "${tag}" is unknown or not modelled by the fake (add it to src/sandbox/fake/cardRules.ts)`);
  }
  if (tag === 'column') bad(at, 'a column may only appear in column_set.columns');
  if (depth + 1 > MAX_CONTAINER_DEPTH) bad(at, `containers nest at most ${MAX_CONTAINER_DEPTH} levels`);
  container.props(el, at);
  if (tag === 'form') {
    if (parent !== 'body' || w.form) bad(at, 'a form may only sit directly in body.elements (no nesting in other containers)');
    w.form = { submit: false };
    children(el.elements, [...at, 'elements'], w, 'form', depth + 1);
    if (!w.form.submit) bad(at, 'a form needs a button with "form_action_type": "submit"');
    w.form = undefined;
  } else if (tag === 'column_set') {
    const columns = el.columns ?? [];
    if (!Array.isArray(columns)) return bad([...at, 'columns'], 'expected an array of columns');
    columns.forEach((col, j) => {
      const colAt = [...at, 'columns', `[${j}](tag: ${isPlainObject(col) ? String(col.tag) : '?'})`];
      if (!isPlainObject(col) || col.tag !== 'column') return bad(colAt, 'column_set.columns may only hold {"tag":"column"}');
      w.count++;
      CONTAINER_RULES.column!.props(col, colAt);
      if (col.elements !== undefined) children(col.elements, [...colAt, 'elements'], w, 'column', depth + 2);
    });
  } else if (el.elements !== undefined) {
    children(el.elements, [...at, 'elements'], w, tag as Parent, depth + 1);
  }
}

function leafRules(el: Record<string, unknown>, tag: string, at: string[], w: Walk): void {
  if (w.form && FORM_FIELD_TAGS.has(tag) && typeof el.name !== 'string') {
    bad([...at, 'name'], `${tag}'s name is required inside a form and can not be empty string`);
  }
  if (el.form_action_type !== undefined) {
    if (!w.form) bad([...at, 'form_action_type'], 'form_action_type is only valid on a button inside a form');
    else if (el.form_action_type === 'submit') w.form.submit = true;
  }
  if (tag === 'chart') {
    if (w.form) bad(at, 'a form can not hold a chart');
    // Feishu's wording for its per-card limits, as seen for tables: "ErrCode: 11310; ErrMsg: card table number over limit; ErrorValue: table".
    if (++w.charts > CARD_MAX_CHARTS) bad(at, `card chart number over limit (a card holds at most ${CARD_MAX_CHARTS} charts); ErrorValue: chart`);
    const spec = el.chart_spec as Record<string, unknown>;
    if (typeof spec.type !== 'string') bad([...at, 'chart_spec', 'type'], 'chart spec is invalid: a VChart spec needs a string "type"', 200550);
    const js = findJavaScript(spec);
    if (js) bad([...at, 'chart_spec', ...js], 'chart spec is invalid: JavaScript is not supported in chart_spec', 200550);
  }
}

/** Chart specs are data only; a string that looks like a function is refused. Returns the path to it. */
function findJavaScript(v: unknown, path: string[] = []): string[] | undefined {
  if (typeof v === 'string') return /\bfunction\s*\(|=>/.test(v) ? path : undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = findJavaScript(v[i], [...path, `[${i}]`]);
      if (p) return p;
    }
  } else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      const p = findJavaScript(x, [...path, k]);
      if (p) return p;
    }
  }
  return undefined;
}
