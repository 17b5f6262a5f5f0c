/** A card callback that takes longer than the inline budget: a toast now, then the result on the card (delayed update). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { startWsClient } from '../../src/receive/ws.ts';
import type { InboundCardAction } from '../../src/pipeline/events.ts';
import type { FakeMessage } from '../../src/sandbox/fake/index.ts';

let h: Harness;
let release: () => void;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  // Card handlers wait for the test's word; the inline budget is short. The toast is then certain, with no sleeping.
  const gate = new Promise<void>((r) => (release = r));
  const original = h.app.router.handleCardAction.bind(h.app.router);
  h.app.router.handleCardAction = async (a: InboundCardAction) => {
    await gate;
    return original(a);
  };
  h.app.intake.inlineBudgetMs = 20;
});
afterEach(async () => {
  release();
  await h.close();
});

async function confirmCard(): Promise<FakeMessage> {
  const [card] = await say(h, SEC, '/campaign open 2026年度评选 --apply-by 2026-05-31');
  return card!;
}

const cardUpdates = () => h.fake.calls.filter((c) => c.route === 'card_update');

describe('a late card callback', () => {
  it('answers with a toast, then updates the card with the callback\'s token once the work is done', async () => {
    const card = await confirmCard();
    const r = await h.fake.deliverCardAction({ operator: SEC, value: buttonValue(card, '确认开启'), messageId: card.message_id, chatId: card.chat_id });
    expect(r.body).toEqual({ toast: { type: 'info', content: '正在处理，请稍候；完成后结果会更新到这张卡片上。' } });
    expect(r.cardApplied).toBe(false);
    release();
    await h.fake.waitFor((_, calls) => calls.some((c) => c.route === 'card_update'), { what: 'the delayed update' });
    await h.app.settle();
    expect(cardUpdates()).toHaveLength(1);
    expect(cardUpdates()[0]).toMatchObject({ status: 200, body: { token: r.token }, response: { code: 0 } });
    expect(h.fake.calls.filter((c) => c.route === 'patch')).toHaveLength(0);
    expect(textOf(h.fake.message(card.message_id))).toContain('已开启');
    expect((await h.prisma.campaign.findFirstOrThrow()).status).toBe('OPEN');
  });

  it('patches the card by its message id when the 30-minute token has run out', async () => {
    const card = await confirmCard();
    await h.fake.deliverCardAction({ operator: SEC, value: buttonValue(card, '确认开启'), messageId: card.message_id, chatId: card.chat_id });
    h.clock.advance(31 * 60_000);
    release();
    await h.fake.waitFor((_, calls) => calls.some((c) => c.route === 'patch'), { what: 'the fallback patch' });
    await h.app.settle();
    expect(cardUpdates()).toHaveLength(0);
    expect(textOf(h.fake.message(card.message_id))).toContain('已开启');
  });

  it('tells the person in a message when the late answer is a toast with no card', async () => {
    h.fake.addUser({ openId: 'ou_newcomer', name: '新人' });
    await h.fake.deliverP2pEntered({ user: 'ou_newcomer' });
    await h.app.settle();
    const welcome = h.fake.messagesTo('ou_newcomer').at(-1)!;
    const before = h.fake.messagesTo('ou_newcomer').length;
    const r = await h.fake.deliverCardAction({ operator: 'ou_newcomer', value: { a: 'welcome.do', key: 'campaign_open' }, messageId: welcome.message_id, chatId: welcome.chat_id });
    expect(r.body).toMatchObject({ toast: { type: 'info' } });
    release();
    await h.fake.waitFor((m) => m.filter((x) => x.receive_id === 'ou_newcomer').length >= before + 2, { what: 'the usage and the late toast' });
    const texts = h.fake.messagesTo('ou_newcomer').slice(before).map(textOf);
    expect(texts).toContain('已发送，请查看下一条消息');
    expect(texts.some((t) => t.includes('用法：/campaign open'))).toBe(true);
  });

  it('does the same over the long connection: the toast in the answer frame, then the update', async () => {
    h.fake.ws.config = { ...h.fake.ws.config, ReconnectNonce: 0 };
    const card = await confirmCard();
    h.fake.setTransport('ws');
    const ws = startWsClient({ config: h.config, logger: h.logger, intake: h.app.intake });
    try {
      await h.fake.ws.waitForOpen(1);
      const r = await h.fake.deliverCardAction({ operator: SEC, value: buttonValue(card, '确认开启'), messageId: card.message_id, chatId: card.chat_id });
      expect(r.body).toMatchObject({ toast: { type: 'info' } });
      release();
      await h.fake.waitFor((_, calls) => calls.some((c) => c.route === 'card_update'), { what: 'the delayed update' });
      await h.app.settle();
      expect(cardUpdates()[0]).toMatchObject({ body: { token: r.token }, response: { code: 0 } });
      expect(textOf(h.fake.message(card.message_id))).toContain('已开启');
    } finally {
      ws.close();
    }
  });
});
