import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { normalizeCardAction, normalizeMessage, stripMentions, MalformedEventError } from '../../src/pipeline/events.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/feishu/${name}`, import.meta.url), 'utf8')) as { header: { event_id: string }; event: Record<string, unknown> };

describe('normalizeMessage (recorded payload)', () => {
  const f = fixture('im.message.receive_v1.group.json');
  it('sees the @bot, strips its key, and keeps other mentions as @open_id', () => {
    const m = normalizeMessage(f.header.event_id, f.event, 'ou_bot_0000000000000000000000000');
    expect(m.mentionedBot).toBe(true);
    expect(m.chatType).toBe('group');
    expect(m.text).toBe('/role grant @ou_zhang00000000000000000000000 检查员');
    expect(m.senderType).toBe('user');
  });
  it('does not count a mention of someone else as @bot', () => {
    const m = normalizeMessage(f.header.event_id, f.event, 'ou_other_bot');
    expect(m.mentionedBot).toBe(false);
  });
  it('throws a typed error when the message is missing', () => {
    expect(() => normalizeMessage('e', { sender: {} }, null)).toThrow(MalformedEventError);
  });
});

describe('normalizeCardAction (recorded payload)', () => {
  it('reads operator, value, form value and context', () => {
    const f = fixture('card.action.trigger.json');
    const a = normalizeCardAction(f.header.event_id, f.event);
    expect(a).toMatchObject({ operatorOpenId: 'ou_84aad35d084aa403a838cf73ee18467', value: { a: 'campaign.confirm', op: 'open', id: 3 }, formValue: { note: '已核对' }, messageId: 'om_574d639e4a44e4dd646eaf628e2f1d7c', chatId: 'oc_e4d2605ca917e695f54f11aaf56271ba', tag: 'button' });
  });
});

describe('stripMentions', () => {
  it.each([
    ['@_user_1 帮助', [{ key: '@_user_1', openId: 'ou_b' }], 'ou_b', '帮助'],
    ['@_all 开会', [{ key: '@_all' }], 'ou_b', '开会'],
    ['@_user_1  /help   ', [{ key: '@_user_1', openId: 'ou_b' }], 'ou_b', '/help'],
  ])('%s → %s', (text, mentions, bot, out) => {
    expect(stripMentions(text, mentions, bot)).toBe(out);
  });
});
