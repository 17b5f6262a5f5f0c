/** The bot added to a group: the group learns who binds it to a region and how; a bound group is told which region. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { validateCard } from '../../src/sandbox/fake/index.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/feishu/im.chat.member.bot.added_v1.json', import.meta.url), 'utf8'));

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
});
afterEach(async () => h.close());

async function added(chatId: string) {
  h.fake.addChat({ chatId, name: fixture.event.name, type: 'group', members: [SEC] });
  const before = h.fake.messages.length;
  const d = await h.fake.deliverEvent('im.chat.member.bot.added_v1', { ...fixture.event, chat_id: chatId, operator_id: { ...fixture.event.operator_id, open_id: SEC } });
  expect(d.responses[0]!.status).toBe(200);
  await h.app.settle();
  return h.fake.messages.slice(before);
}

describe('bot added to a group', () => {
  it('tells the group that a secretariat member or the regional admin binds it, with the command', async () => {
    const [m] = await added('oc_new_group');
    expect(m!.chat_id).toBe('oc_new_group');
    expect(validateCard(m!.content)).toEqual({ ok: true });
    const text = textOf(m);
    expect(text).toContain('中银协秘书处成员');
    expect(text).toContain('地方协会管理员');
    expect(text).toContain('/绑定群 地区名');
    // And the instruction works as written.
    await say(h, SEC, '/region add 北京');
    const [bound] = await say(h, SEC, '/绑定群 北京', { group: 'oc_new_group' });
    expect(textOf(bound)).toContain('已将本群绑定为「北京」');
  });

  it('says which region a group already serves when the bot comes back', async () => {
    await say(h, SEC, '/region add 北京');
    await say(h, SEC, '/绑定群 北京', { group: 'oc_bj' });
    const [m] = await added('oc_bj');
    expect(textOf(m)).toContain('本群已绑定为 **北京** 地区的工作群');
    expect(await h.prisma.processedEvent.count({ where: { eventType: 'im.chat.member.bot.added_v1', chatId: 'oc_bj' } })).toBe(1);
  });
});
