/** Why: user text shown inside a card must never be read as markdown, mentions or links; these helpers escape and trim it. */

/**
 * Escapes every markdown and tag special as an HTML entity (Feishu card markdown documents entity escapes such as
 * `&#42;` for `*` and `&lt;` for `<`), so `<at id=all>`, `**`, `[x](url)` and friends render literally.
 */
export function escapeMd(text: string): string {
  return text.replace(/[&<>\\`*_~[\]()#|!{}$@-]/g, (c) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    return `&#${c.charCodeAt(0)};`;
  }).replace(/[\r\n]+/g, ' ');
}

/** Shortens long user text for display, by characters (not bytes), marking the cut. */
export function clip(text: string, max = 200): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('') + '…';
}

/** Escaped and clipped: the only form in which user text goes into a card. */
export function userText(text: string, max = 200): string {
  return escapeMd(clip(text, max));
}

/** The first `max` characters (code points) of a text: never splits an emoji into a lone surrogate, which the database refuses. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text.toWellFormed());
  return chars.length <= max ? chars.join('') : chars.slice(0, max).join('');
}

const ENTITY = /&(?:(amp|lt|gt)|#(\d{1,6}));/g;
/**
 * Markdown and tag characters as their full-width twins: Feishu renders `[..](..)` links, `**`/`~~` styling and
 * `<…>` tags in text messages too, so user text there must not carry them; the twins read the same to a person.
 */
const TWINS: Record<string, string> = { '[': '［', ']': '］', '*': '＊', '~': '～', '<': '＜' };

function decode(text: string, map: (c: string) => string): string {
  return text.replace(ENTITY, (_, named: string | undefined, code: string | undefined) =>
    map(named === 'amp' ? '&' : named === 'lt' ? '<' : named === 'gt' ? '>' : String.fromCodePoint(Number(code))),
  );
}

/**
 * For plain_text (card headers, button labels, toasts), which Feishu shows as typed: user text escaped by `userText`
 * for markdown is turned back into its characters, so a header reads 「示范-支行」, not 「示范&#45;支行」.
 */
export function plainFromMd(text: string): string {
  return decode(text, (c) => c);
}

/**
 * For a text message (msg_type text): user text escaped by `userText` shows its characters, except the markdown and
 * tag ones, which become full-width twins; in one pass, so an escaped "&amp;#42;" stays literal.
 */
export function textFromMd(text: string): string {
  return decode(text, (c) => TWINS[c] ?? c);
}

/** Raw user text bound for a text message or toast: clipped, its markdown link and styling characters made harmless. */
export function textSafe(text: string, max = 200): string {
  return clip(text, max).replace(/[[\]*~<]/g, (c) => TWINS[c]!);
}
