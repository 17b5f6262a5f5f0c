/** Why: the fake refuses what Feishu refuses around a clicked card: the delayed update's token rules and the 14-day window. */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.ts';
import type { FakeFeishu } from '../../../src/sandbox/fake/index.ts';
import { goodCard, httpError, makeFake, receiver, sdkClient } from './helpers.ts';

let fake: FakeFeishu;
let rx: Awaited<ReturnType<typeof receiver>> | undefined;
afterEach(async () => {
  await fake?.close();
  await rx?.close();
  rx = undefined;
});

async function clickedCard(clock: ManualClock) {
  fake = await makeFake({ clock, tokenTtlSeconds: 60 * 60 * 24 * 30 });
  fake.addUser({ openId: 'ou_u', name: '用户' });
  rx = await receiver(() => ({ body: {} }));
  fake.setBotEndpoint(rx.url);
  const client = sdkClient(fake);
  const sent = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_u', msg_type: 'interactive', content: JSON.stringify(goodCard()) } });
  return { client, id: sent.data!.message_id! };
}

const update = (client: ReturnType<typeof sdkClient>, data: unknown) => client.request({ url: '/open-apis/interactive/v1/card/update', method: 'POST', data });

describe('POST /open-apis/interactive/v1/card/update', () => {
  it('updates the clicked card with the callback\'s token, at most twice', async () => {
    const clock = new ManualClock();
    const { client, id } = await clickedCard(clock);
    const click = await fake.deliverCardAction({ operator: 'ou_u', value: { a: 'x' }, messageId: id });
    const next = goodCard([{ tag: 'hr' }]);
    expect(await update(client, { token: click.token, card: next })).toMatchObject({ code: 0 });
    expect(fake.message(id)!.card).toEqual(next);
    expect(await update(client, { token: click.token, card: goodCard() })).toMatchObject({ code: 0 });
    expect(await httpError(update(client, { token: click.token, card: next }))).toMatchObject({ status: 400, code: 300041 });
    expect(fake.message(id)!.patches).toHaveLength(2);
  });

  it('refuses a token older than 30 minutes, an unknown token, and a card Feishu would refuse', async () => {
    const clock = new ManualClock();
    const { client, id } = await clickedCard(clock);
    const click = await fake.deliverCardAction({ operator: 'ou_u', value: { a: 'x' }, messageId: id });
    expect(await httpError(update(client, { token: click.token, card: { schema: '2.0', body: { elements: [{ tag: 'note' }] } } }))).toMatchObject({ status: 400, code: 230099 });
    expect(await httpError(update(client, { token: 'c-forged', card: goodCard() }))).toMatchObject({ status: 400, code: 300040 });
    clock.advance(30 * 60_000 + 1);
    expect(await httpError(update(client, { token: click.token, card: goodCard() }))).toMatchObject({ status: 400, code: 300040 });
    expect(fake.message(id)!.patches).toHaveLength(0);
  });

  it('reverts an update made before the callback was answered, as Feishu warns', async () => {
    const clock = new ManualClock();
    const { client, id } = await clickedCard(clock);
    let token = '';
    await rx!.close();
    rx = await receiver((r) => {
      token = (JSON.parse(r.raw) as { event: { token: string } }).event.token;
      return { body: {}, delayMs: 50 };
    });
    fake.setBotEndpoint(rx.url);
    const pending = fake.deliverCardAction({ operator: 'ou_u', value: { a: 'x' }, messageId: id });
    await fake.waitFor(() => token, { what: 'the callback to arrive' });
    expect(await update(client, { token, card: goodCard([{ tag: 'hr' }]) })).toMatchObject({ code: 0 });
    await pending;
    expect(fake.message(id)!.patches).toHaveLength(0);
    expect(fake.calls.find((c) => c.route === 'card_update')!.fault).toMatch(/^reverted/);
  });
});

describe('card callbacks and the 14-day window', () => {
  it('delivers no click on a card JSON 2.0 older than 14 days (the client takes none)', async () => {
    const clock = new ManualClock();
    const { id } = await clickedCard(clock);
    clock.advanceDays(14);
    await expect(fake.deliverCardAction({ operator: 'ou_u', value: { a: 'x' }, messageId: id })).resolves.toMatchObject({ status: 200 });
    clock.advance(1);
    await expect(fake.deliverCardAction({ operator: 'ou_u', value: { a: 'x' }, messageId: id })).rejects.toThrow(/14 days/);
    expect(rx!.got).toHaveLength(1);
  });
});
