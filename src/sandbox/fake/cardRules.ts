/** Why: card JSON 2.0 rejects unknown properties, so the fake needs each component's documented fields as data. */
// Field lists were taken from Feishu's card JSON 2.0 reference (card-json-v2-components, pages updated 2024-12..2025-08):
// card-json-v2-structure (config/card_link/header/body), rich-text (markdown), plain-text (div), divider (hr),
// button (behaviors callback/open_url, name + form_action_type inside forms), input, single-select-dropdown-menu
// (select_static), date-picker, chart (chart_spec/aspect_ratio/color_theme/preview/height), column-set, form-container,
// collapsible-panel. "value" is accepted only where the field table lists it as a historical property (input,
// date_picker, select_static per its callback doc); button's table does not list it, so a button must use behaviors.

/** Thrown by checks; cards.ts turns it into `{ ok:false, path, reason, errCode }`. */
export class CardRuleError extends Error {
  constructor(
    readonly path: string[],
    readonly reason: string,
    /** The 230099 sub-code real Feishu uses for this class of error (11310 schema, 200861 v1-only tag, 200550 chart). */
    readonly errCode = 11310,
  ) {
    super(reason);
  }
}

export type Check = (v: unknown, at: string[]) => void;

const typeName = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
const fail = (at: string[], reason: string, code?: number): never => {
  throw new CardRuleError(at, reason, code);
};

export const str: Check = (v, at) => void (typeof v === 'string' || fail(at, `expected string, got ${typeName(v)}`));
export const bool: Check = (v, at) => void (typeof v === 'boolean' || fail(at, `expected boolean, got ${typeName(v)}`));
export const num: Check = (v, at) => void (typeof v === 'number' || fail(at, `expected number, got ${typeName(v)}`));
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const obj: Check = (v, at) => void (isPlainObject(v) || fail(at, `expected object, got ${typeName(v)}`));
export const strOrObj: Check = (v, at) =>
  void (typeof v === 'string' || isPlainObject(v) || fail(at, `expected string or object, got ${typeName(v)}`));
export const oneOf =
  (...allowed: Array<string | number>): Check =>
  (v, at) =>
    void (allowed.includes(v as string) || fail(at, `unsupported value ${JSON.stringify(v)}; allowed: ${allowed.join(', ')}`));
export const intIn =
  (lo: number, hi: number): Check =>
  (v, at) =>
    void ((Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi) || fail(at, `expected integer ${lo}..${hi}`));
export const pattern =
  (re: RegExp, what: string): Check =>
  (v, at) =>
    void ((typeof v === 'string' && re.test(v)) || fail(at, `expected ${what}, got ${JSON.stringify(v)}`));

/** An object whose every property must be listed; listed properties are checked, `required` ones must be present. */
export const shape =
  (fields: Record<string, Check>, required: string[] = []): Check =>
  (v, at) => {
    obj(v, at);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const check = fields[k];
      if (!check) fail([...at, k], `property "${k}" is not supported here (card JSON 2.0 rejects unknown properties)`);
      else if (o[k] !== undefined) check(o[k], [...at, k]);
    }
    for (const k of required) if (o[k] === undefined) fail([...at, k], `property "${k}" is required`);
  };

export const arrayOf =
  (item: Check, max = Infinity): Check =>
  (v, at) => {
    if (!Array.isArray(v)) return fail(at, `expected array, got ${typeName(v)}`);
    if (v.length > max) fail(at, `at most ${max} items`);
    v.forEach((x, i) => item(x, [...at, `[${i}]`]));
  };

const i18n = obj;
/** `{tag:"plain_text", content}`: button text, placeholder, label, confirm title/text, tips. */
export const plainText = shape({ tag: oneOf('plain_text'), content: str, i18n_content: i18n }, ['tag']);
/** div's text: plain_text or lark_md with display options. */
export const divText = shape(
  {
    tag: oneOf('plain_text', 'lark_md'), content: str, i18n_content: i18n, text_size: strOrObj,
    text_color: str, text_align: oneOf('left', 'center', 'right'), lines: num,
  },
  ['tag'],
);
/** Header title/subtitle: plain_text or lark_md (card-json-v2-structure). */
export const headerText = shape({ tag: oneOf('plain_text', 'lark_md'), content: str, i18n_content: i18n }, ['tag']);
export const icon = shape({ tag: oneOf('standard_icon', 'custom_icon'), token: str, color: str, img_key: str, size: str });
export const confirm = shape({ title: plainText, text: plainText }, ['title', 'text']);
const url = shape({ url: str, pc_url: str, ios_url: str, android_url: str });

/** behaviors: `[{type:"callback", value:{…}}]` or `[{type:"open_url", default_url, …}]` (configuring-card-interactions). */
export const behaviors = arrayOf((v, at) => {
  obj(v, at);
  const t = (v as Record<string, unknown>).type;
  if (t === 'callback') shape({ type: str, value: obj }, ['value'])(v, at);
  else if (t === 'open_url')
    shape({ type: str, default_url: str, android_url: str, ios_url: str, pc_url: str }, ['default_url'])(v, at);
  else fail([...at, 'type'], `unsupported behavior type ${JSON.stringify(t)}; allowed: callback, open_url`);
});

const elementId = pattern(/^[A-Za-z][A-Za-z0-9_]{0,19}$/, 'element_id: letters, digits, _; starting with a letter; ≤ 20 chars');
const spacing = str;
const align = oneOf('left', 'center', 'right');
const valign = oneOf('top', 'center', 'bottom');
const direction = oneOf('vertical', 'horizontal');
const common = { tag: str, element_id: elementId, margin: str };
const layout = { direction, padding: str, horizontal_spacing: spacing, vertical_spacing: spacing, horizontal_align: align, vertical_align: valign };

/** Leaf components: tag → property checks (containers' `elements`/`columns` are walked by cards.ts). */
export const LEAF_RULES: Record<string, Check> = {
  markdown: shape({ ...common, content: str, i18n_content: i18n, text_size: strOrObj, text_align: align, icon }, ['content']),
  div: shape({ ...common, width: str, text: divText, fields: arrayOf(shape({ is_short: bool, text: divText }, ['text'])), icon }),
  hr: shape(common),
  button: shape({
    ...common,
    type: oneOf('default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser'),
    size: oneOf('tiny', 'small', 'medium', 'large'), width: str, text: plainText, icon, hover_tips: plainText,
    disabled: bool, disabled_tips: plainText, confirm, behaviors, name: str, form_action_type: oneOf('submit', 'reset'),
  }),
  input: shape({
    ...common, name: str, required: bool, disabled: bool, disabled_tips: plainText, placeholder: plainText,
    default_value: str, width: str, behaviors, max_length: intIn(1, 1000),
    input_type: oneOf('text', 'multiline_text', 'password'), show_icon: bool, rows: num, auto_resize: bool,
    max_rows: num, label: plainText, label_position: oneOf('top', 'left'), value: strOrObj, confirm,
  }),
  select_static: shape({
    ...common, type: oneOf('default', 'text'), name: str, required: bool, disabled: bool, initial_option: str,
    initial_index: num, placeholder: plainText, width: str, behaviors, value: strOrObj, confirm,
    options: arrayOf(shape({ text: plainText, icon, value: str }, ['text', 'value'])),
  }),
  date_picker: shape({
    ...common, name: str, required: bool, disabled: bool, width: str, behaviors,
    initial_date: pattern(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd'), placeholder: plainText, value: obj, confirm,
  }),
  chart: shape({
    ...common, aspect_ratio: oneOf('1:1', '2:1', '4:3', '16:9'),
    color_theme: oneOf('brand', 'rainbow', 'complementary', 'converse', 'primary'), chart_spec: obj, preview: bool,
    height: pattern(/^(auto|\d{1,3}px)$/, '"auto" or [1,999]px'),
  }, ['chart_spec']),
};

/** Container properties other than their children (children are checked by cards.ts with nesting rules). */
export const CONTAINER_RULES: Record<string, { props: Check; children: 'elements' | 'columns'; required?: string[] }> = {
  form: { props: shape({ ...common, ...layout, name: str, elements: (): void => {} }, ['name', 'elements']), children: 'elements' },
  column_set: {
    props: shape({
      ...common, horizontal_spacing: spacing, horizontal_align: align, background_style: str, action: shape({ multi_url: url }),
      flex_mode: oneOf('none', 'stretch', 'flow', 'bisect', 'trisect'), columns: (): void => {},
    }),
    children: 'columns',
  },
  column: {
    props: shape({
      ...common, ...layout, background_style: str, width: str, weight: intIn(1, 5), action: shape({ multi_url: url }),
      elements: (): void => {},
    }),
    children: 'elements',
  },
  collapsible_panel: {
    props: shape({
      ...common, ...layout, expanded: bool, background_color: str, elements: (): void => {},
      header: shape({
        title: shape({ tag: oneOf('plain_text', 'markdown'), content: str, i18n_content: i18n }, ['tag']),
        background_color: str, vertical_align: valign, padding: str, position: str, width: oneOf('fill', 'auto', 'auto_when_fold'),
        icon, icon_position: oneOf('left', 'right', 'follow_text'), icon_expanded_angle: num,
      }),
      border: shape({ color: str, corner_radius: str }),
    }, ['header']),
    children: 'elements',
  },
};

/** Tags that JSON 1.0 had and 2.0 refuses (real answer: ErrCode 200861 "cards of schema V2 no longer support this capability"). */
export const V1_ONLY_TAGS = new Set(['action', 'note']);

export const ROOT_RULES = {
  config: shape({
    streaming_mode: bool, streaming_config: obj, summary: shape({ content: str, i18n_content: i18n }), locales: arrayOf(str),
    enable_forward: bool, update_multi: (v, at) => void (v === true || fail(at, 'card JSON 2.0 only supports update_multi: true')),
    width_mode: oneOf('default', 'compact', 'fill'), use_custom_translation: bool, enable_forward_interaction: bool,
    style: shape({ text_size: obj, color: obj }),
  }),
  card_link: url,
  header: shape({
    title: headerText, subtitle: headerText, i18n_title: i18n, i18n_subtitle: i18n,
    text_tag_list: arrayOf(shape({ tag: oneOf('text_tag'), element_id: elementId, text: plainText, color: str }), 3),
    i18n_text_tag_list: obj, icon, padding: str,
    template: oneOf('blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default'),
  }, ['title']),
  body: shape({ ...layout, elements: (): void => {} }),
} satisfies Record<string, Check>;
