/** First contact: opening the chat with the bot brings a welcome fitting the person's roles; its buttons do what they say. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, click, say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/feishu/im.chat.access_event.bot_p2p_chat_entered_v1.json', import.meta.url), 'utf8'));

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
});
afterEach(async () => h.close());

async function enter(user: string) {
  const before = h.fake.messages.length;
  if (!h.fake.users().some((u) => u.openId === user)) h.fake.addUser({ openId: user, name: `用户${user.slice(-4)}` });
  const event = structuredClone(fixture.event);
  event.operator_id.open_id = user;
  const d = await h.fake.deliverEvent('im.chat.access_event.bot_p2p_chat_entered_v1', event);
  expect(d.responses[0]!.status).toBe(200);
  await h.app.settle();
  return h.fake.messages.slice(before);
}

describe('welcome on entering the chat', () => {
  it('greets a newcomer with what they can do now, and only once per set of roles', async () => {
    await regionsAndGroups(h);
    await openCampaign(h);
    const [card] = await enter('ou_newcomer');
    expect(card!.receive_id).toBe('ou_newcomer');
    expect(textOf(card)).toContain('您暂未被授予评选角色');
    expect(buttonValue(card!, '检查申报资格')).toEqual({ a: 'welcome.do', key: 'apply' });
    expect(textOf(card)).not.toContain('如何开启评选');
    expect(await enter('ou_newcomer')).toHaveLength(0);
    // A new role is a new set of things to do: a new welcome.
    await say(h, SEC, '/role grant @ou_newcomer 检查员');
    const [again] = await enter('ou_newcomer');
    expect(textOf(again)).toContain('检查员');
    expect(buttonValue(again!, '我的检查任务')).toEqual({ a: 'welcome.do', key: 'score' });
    expect(await h.prisma.processedEvent.count({ where: { eventType: 'im.chat.access_event.bot_p2p_chat_entered_v1' } })).toBe(3);
  });

  it('shows the secretariat how to run a round', async () => {
    const [card] = await enter(SEC);
    expect(textOf(card)).toContain('中银协秘书处');
    for (const label of ['各轮评选', '如何开启评选', '如何设置名额', '如何授予角色', '如何绑定地区群', '全部命令']) expect(() => buttonValue(card!, label)).not.toThrow();
  });

  it('a button runs its command in the clicker\'s chat, with the command\'s own checks; a how-to button shows the usage', async () => {
    await regionsAndGroups(h);
    await openCampaign(h);
    const [card] = await enter('ou_manager');
    const started = await click(h, 'ou_manager', card!, '检查申报资格');
    expect(started.toast).toMatchObject({ type: 'success' });
    expect(started.newMessages.some((m) => m.receive_id === 'ou_manager' && textOf(m).includes('第 1 步'))).toBe(true);
    const [sec] = await enter(SEC);
    const howto = await click(h, SEC, sec!, '如何开启评选');
    expect(textOf(howto.newMessages[0])).toContain('用法：/campaign open 名称');
    // A stale or forged key for a staff command still meets the router's role check.
    const forged = await click(h, 'ou_manager', card!, { a: 'welcome.do', key: 'campaign_list' });
    expect(textOf(forged.newMessages[0])).toContain('需要以下角色之一');
  });
});
