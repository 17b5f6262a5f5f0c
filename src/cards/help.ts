/** Why: the help card: what the bot can do for this person, in their words. */
import type { Messages } from '../prompts/index.ts';
import { card, md, hr } from './common.ts';
import { userText } from './markdown.ts';

export function helpCard(m: Messages, commands: Array<{ trigger: string; summary: string }>, unknownText?: string) {
  const elements: unknown[] = [];
  if (unknownText !== undefined) elements.push(md(m.t('help.unknown', { text: userText(unknownText, 60) })));
  elements.push(md(m.t('help.intro')));
  elements.push(hr());
  elements.push(md(commands.map((c) => m.t('help.line', { trigger: c.trigger, summary: c.summary })).join('\n')));
  elements.push(md(m.t('help.footer')));
  return card(m.t('help.title'), elements, 'blue');
}
