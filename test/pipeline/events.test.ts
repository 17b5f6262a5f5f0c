import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { normalizeCardAction, normalizeMessage, normalizeNotice, stripMentions, MalformedEventError } from '../../src/pipeline/events.ts';

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

describe('normalizeNotice (recorded payloads)', () => {
  it('reads who opened the chat with the bot, and whether they talked before', () => {
    const f = fixture('im.chat.access_event.bot_p2p_chat_entered_v1.json');
    expect(normalizeNotice(f.header.event_id, 'im.chat.access_event.bot_p2p_chat_entered_v1', f.event)).toEqual({
      kind: 'p2p_entered', eventId: 'a6c7e1b2d3f4a5b6c7d8e9f0a1b2c3d4', operatorOpenId: 'ou_84aad35d084aa403a838cf73ee18467', chatId: 'oc_413871da3d4b5b5d5b8b5d1e5c6f7a8b', lastMessageId: undefined,
    });
  });
  it('reads the menu item\'s event_key and who clicked (a menu click carries no chat)', () => {
    const f = fixture('application.bot.menu_v6.json');
    expect(normalizeNotice(f.header.event_id, 'application.bot.menu_v6', f.event)).toEqual({ kind: 'menu', eventId: f.header.event_id, operatorOpenId: 'ou_84aad35d084aa403a838cf73ee18467', eventKey: 'my_applications' });
  });
  it('reads the group the bot was added to', () => {
    const f = fixture('im.chat.member.bot.added_v1.json');
    expect(normalizeNotice(f.header.event_id, 'im.chat.member.bot.added_v1', f.event)).toMatchObject({ kind: 'bot_added', chatId: 'oc_9e9619b938c9571c1c3165681cdaead5', operatorOpenId: 'ou_84aad35d084aa403a838cf73ee18467', chatName: '北京地区示范单位评选工作群' });
  });
  it('throws a typed error when the menu event has no key, and ignores types it does not know', () => {
    expect(() => normalizeNotice('e', 'application.bot.menu_v6', { operator: { operator_id: { open_id: 'ou_a' } } })).toThrow(MalformedEventError);
    expect(normalizeNotice('e', 'im.message.reaction.created_v1', {})).toBeNull();
  });
  it('keeps a card callback\'s token (for a delayed update)', () => {
    const f = fixture('card.action.trigger.json');
    expect(normalizeCardAction(f.header.event_id, f.event).token).toBe('c-295ee57216a5dc9de90fefd0aadb4b1d7d337d5e');
  });
});
