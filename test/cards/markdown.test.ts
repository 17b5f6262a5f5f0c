/** User text in cards, headers, toasts and text messages: never read as markdown, links or tags; always shown as characters. */
import { afterEach, describe, expect, it } from 'vitest';
import { escapeMd, plainFromMd, textFromMd, textSafe, userText } from '../../src/cards/markdown.ts';
import { asContent } from '../../src/pipeline/context.ts';
import { card, button } from '../../src/cards/common.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { openCampaign, SEC } from '../helpers/setup.ts';

describe('the escapes, by table', () => {
  it.each([
    ['[点我](http://evil.example)', '［点我］(http://evil.example)'],
    ['**加粗** ~~删~~', '＊＊加粗＊＊ ～～删～～'],
    ['<at user_id="all">所有人</at>', '＜at user_id="all">所有人＜/at>'],
    ['示范-支行 #1 (北京) 100% & 50_50', '示范-支行 #1 (北京) 100% & 50_50'],
    ['&#42; typed literally', '&#42; typed literally'],
  ])('text message: %s → %s', (raw, shown) => {
    expect(textFromMd(escapeMd(raw))).toBe(shown);
    expect(textSafe(raw)).toBe(shown);
  });

  it.each([
    ['示范-支行（2026-2027）', '示范-支行（2026-2027）'],
    ['**粗** [x](y) <b>', '**粗** [x](y) <b>'],
    ['&#45; typed literally', '&#45; typed literally'],
  ])('plain_text: %s shows as typed', (raw, shown) => {
    expect(plainFromMd(userText(raw))).toBe(shown);
  });

  it('card headers, button labels and text messages never show an entity', () => {
    const c = card(userText('2026-2027年度评选'), [], 'blue', userText('北京-朝阳'));
    expect((c.header as { title: { content: string } }).title.content).toBe('2026-2027年度评选');
    expect((c.header as { subtitle: { content: string } }).subtitle.content).toBe('北京-朝阳');
    expect((button(userText('A-1'), {}).text as { content: string }).content).toBe('A-1');
    expect(asContent(`已添加：${userText('[x](http://e) **y** a-b')}`).content).toEqual({ text: '已添加：［x］(http://e) ＊＊y＊＊ a-b' });
  });
});

describe('through the bot', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('echoes a user\'s markdown link in a text reply as harmless characters, and a name in a card header as typed', async () => {
    h = await createHarness({ secretariat: [SEC] });
    const [reply] = await say(h, SEC, '/region add [点我](http://e.cn)**北京**');
    expect(reply!.msg_type).toBe('text');
    const text = textOf(reply);
    expect(text).toContain('［点我］(http://e.cn)＊＊北京＊＊');
    expect(text).not.toMatch(/\[点我\]\(|\*\*北京|&#/);
    await openCampaign(h, '2026-2027年度评选', '2026-05-31');
    const [status] = await say(h, SEC, '/campaign status');
    const header = JSON.parse(status!.content).header;
    expect(JSON.stringify(header)).toContain('2026-2027年度评选');
    expect(JSON.stringify(header)).not.toContain('&#');
  });
});
