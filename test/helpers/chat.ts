/** Why: small verbs for end-to-end tests: say something to the bot and get its answer, click a card button. */
import type { Harness } from './harness.ts';
import type { FakeMessage } from '../../src/sandbox/fake/index.ts';

export interface SayOptions {
  group?: string;
  mentions?: Array<{ openId: string; name?: string }>;
}

/** Sends a text as `from` (p2p, or @bot in a group) and returns the bot's new messages once the bot has settled. */
export async function say(h: Harness, from: string, text: string, o: SayOptions = {}): Promise<FakeMessage[]> {
  const before = h.fake.messages.length;
  const d = await h.fake.deliverMessage(
    o.group
      ? { from, chatId: o.group, chatType: 'group', text, mentionBot: true, mentions: o.mentions }
      : { from, chatType: 'p2p', text, mentions: o.mentions },
  );
  if (d.responses[0]?.status !== 200) throw new Error(`delivery refused: ${d.responses[0]?.status} ${d.responses[0]?.text}`);
  await h.app.settle();
  return h.fake.messages.slice(before);
}

/** The bot's last message text or card, as one searchable string. */
export function textOf(m: FakeMessage | undefined): string {
  if (!m) return '';
  return m.msg_type === 'text' ? (JSON.parse(m.content) as { text: string }).text : m.content;
}

/** Finds the callback value of the button whose label contains `label` in a card message. */
export function buttonValue(m: FakeMessage, label: string): Record<string, unknown> {
  const card = JSON.parse(m.content) as unknown;
  let found: Record<string, unknown> | undefined;
  const walk = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.tag === 'button' && JSON.stringify(o.text).includes(label)) {
      const b = (o.behaviors as Array<{ type: string; value: Record<string, unknown> }> | undefined)?.find((x) => x.type === 'callback');
      if (b) found = b.value;
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(card);
  if (!found) throw new Error(`no button labelled "${label}" in card: ${m.content.slice(0, 400)}`);
  return found;
}

/** Clicks a button (by label) on a card message as `operator`; returns the inline answer and the bot's new messages. */
export async function click(h: Harness, operator: string, m: FakeMessage, label: string | Record<string, unknown>, extra: { redeliver?: number; formValue?: Record<string, unknown> } = {}) {
  const before = h.fake.messages.length;
  // A label is looked up on the card as it is now; pass a value captured earlier to click a button that is gone (a stale card).
  const value = typeof label === 'string' ? buttonValue(m, label) : label;
  const r = await h.fake.deliverCardAction({ operator, value, messageId: m.message_id, chatId: m.chat_id, formValue: extra.formValue, redeliver: extra.redeliver });
  await h.app.settle();
  return { ...r, toast: (r.body as { toast?: { type: string; content: string } })?.toast, newMessages: h.fake.messages.slice(before), card: h.fake.message(m.message_id) };
}
