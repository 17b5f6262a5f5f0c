/** The bot menu (申报 / 我的申报 / 评选状态 / 帮助): each item answers in the clicker's chat, as the typed command would. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';
import { startWsClient } from '../../src/receive/ws.ts';
import { MENU_KEYS } from '../../src/commands/bot-menu.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/feishu/application.bot.menu_v6.json', import.meta.url), 'utf8'));

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  h.fake.addUser({ openId: 'ou_manager', name: '王经理' });
});
afterEach(async () => h.close());

async function menu(user: string, key: string) {
  const before = h.fake.messages.length;
  const event = structuredClone(fixture.event);
  event.operator.operator_id.open_id = user;
  event.event_key = key;
  const d = await h.fake.deliverEvent('application.bot.menu_v6', event);
  expect(d.responses[0]!.status).toBe(200);
  await h.app.settle();
  return h.fake.messages.slice(before);
}

describe('the bot menu', () => {
  it('has the four items the README tells admins to set up', () => {
    expect(MENU_KEYS).toEqual(['apply', 'my_applications', 'campaign_status', 'help']);
  });

  it('申报 starts the eligibility check in the person\'s p2p chat', async () => {
    await regionsAndGroups(h);
    await openCampaign(h);
    const out = await menu('ou_manager', 'apply');
    expect(out).toHaveLength(1);
    expect(out[0]!.receive_id).toBe('ou_manager');
    expect(textOf(out[0])).toContain('第 1 步');
    expect(await h.prisma.conversationSession.count({ where: { userId: 'ou_manager' } })).toBe(1);
  });

  it('我的申报 and 帮助 answer as the typed commands do', async () => {
    expect(textOf((await menu('ou_manager', 'my_applications'))[0])).toBe(textOf((await say(h, 'ou_manager', '我的申报'))[0]));
    expect(textOf((await menu('ou_manager', 'help'))[0])).toContain('示范单位评选助手');
  });

  it('评选状态 gives staff the status card and everyone else the round\'s name and deadline, not a refusal', async () => {
    expect(textOf((await menu('ou_manager', 'campaign_status'))[0])).toContain('目前没有进行中的评选');
    await regionsAndGroups(h);
    await openCampaign(h, '2026年度评选', '2026-05-31');
    const pub = textOf((await menu('ou_manager', 'campaign_status'))[0]);
    expect(pub).toContain('申报截止：2026-05-31');
    expect(pub).not.toContain('需要以下角色');
    const staff = textOf((await menu(SEC, 'campaign_status'))[0]);
    expect(staff).toContain('北京');
    expect(staff).toContain('上海');
  });

  it('an unknown key says so and shows help', async () => {
    const out = await menu('ou_manager', 'old_item');
    expect(textOf(out[0])).toContain('（old_item）');
    expect(textOf(out[1])).toContain('示范单位评选助手');
  });

  it('arrives over the long connection too', async () => {
    h.fake.ws.config = { ...h.fake.ws.config, ReconnectNonce: 0 };
    h.fake.setTransport('ws');
    const ws = startWsClient({ config: h.config, logger: h.logger, intake: h.app.intake });
    try {
      await h.fake.ws.waitForOpen(1);
      const before = h.fake.messages.length;
      const d = await h.fake.deliverMenu({ user: 'ou_manager', eventKey: 'help' });
      expect(d.responses[0]!.status).toBe(200);
      await h.app.settle();
      expect(textOf(h.fake.messages[before])).toContain('示范单位评选助手');
    } finally {
      ws.close();
    }
  });
});
