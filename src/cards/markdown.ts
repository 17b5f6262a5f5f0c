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
