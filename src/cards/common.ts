/** Why: the few JSON 2.0 building blocks every card uses, so each card file stays short and valid in real Feishu. */
import type { Card } from '../pipeline/context.ts';
import type { Messages } from '../prompts/index.ts';
import { plainFromMd } from './markdown.ts';

export type Template = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey';

/** A card; its header is plain_text, so user text escaped for markdown is shown as its characters there. */
export function card(title: string, elements: unknown[], template: Template = 'blue', subtitle?: string): Card {
  const header: Record<string, unknown> = { title: { tag: 'plain_text', content: plainFromMd(title) }, template };
  if (subtitle) header.subtitle = { tag: 'plain_text', content: plainFromMd(subtitle) };
  return { schema: '2.0', config: { update_multi: true }, header, body: { elements } };
}

export function md(content: string): Record<string, unknown> {
  return { tag: 'markdown', content };
}

export function hr(): Record<string, unknown> {
  return { tag: 'hr' };
}

export type ButtonType = 'default' | 'primary' | 'danger' | 'primary_filled' | 'danger_filled' | 'laser' | 'text';

/** A button whose click sends `value` back to the bot as a card.action.trigger callback. */
export function button(text: string, value: Record<string, unknown>, type: ButtonType = 'default', confirm?: { title: string; text: string }): Record<string, unknown> {
  const b: Record<string, unknown> = { tag: 'button', text: { tag: 'plain_text', content: plainFromMd(text) }, type, behaviors: [{ type: 'callback', value }] };
  if (confirm) b.confirm = { title: { tag: 'plain_text', content: plainFromMd(confirm.title) }, text: { tag: 'plain_text', content: plainFromMd(confirm.text) } };
  return b;
}

/** Buttons side by side. */
export function buttonRow(buttons: Record<string, unknown>[]): Record<string, unknown> {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

/** An item of an article as the 管理办法 numbers it, e.g. 4 → （四）, for citations such as 第十一条第（四）项. */
export function itemNo(m: Messages, n: number): string {
  return m.t(`verdict.items.${n}`);
}
