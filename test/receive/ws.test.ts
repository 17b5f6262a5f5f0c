/** WS mode end to end: the SDK's real WSClient, over a real socket, against the fake's long-connection protocol. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { envelopeFromFlattened, startWsClient, type WsClientHandle } from '../../src/receive/ws.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { SEC } from '../helpers/setup.ts';
import { textOf } from '../helpers/chat.ts';

let h: Harness | undefined;
const clients: WsClientHandle[] = [];
afterEach(async () => {
  // Clients first: a client left running would keep reconnecting to the closed fake.
  for (const c of clients.splice(0)) c.close();
  await h?.close();
  h = undefined;
});

/** A bot on the fake, its events coming over `n` long connections (fast reconnects, as the fake's ClientConfig says). */
async function wsBot(n = 1, opts: { secretariat?: string[] } = {}): Promise<Harness> {
  h = await createHarness({ secretariat: opts.secretariat });
  h.fake.ws.config = { ...h.fake.ws.config, ReconnectNonce: 0, ReconnectInterval: 0.05 };
  h.fake.setTransport('ws');
  for (let i = 0; i < n; i++) clients.push(startWsClient({ config: h.config, logger: h.logger, intake: h.app.intake }));
  await h.fake.ws.waitForOpen(n);
  return h;
}

const repliesTo = (h: Harness, messageId: string) => h.fake.messages.filter((m) => m.replyTo === messageId);

describe('envelopeFromFlattened', () => {
  it('rebuilds header and event from the flattened shape, keeping a card callback\'s token in the event', () => {
    const f = JSON.parse(readFileSync(new URL('../fixtures/feishu/card.action.trigger.json', import.meta.url), 'utf8'));
    const env = envelopeFromFlattened('card.action.trigger', { ...f.header, ...f.event });
    expect(env.eventId).toBe('f7984f25108f8137722bb63cee927e66');
    expect(env.appId).toBe('cli_9f5343c580712544');
    expect(env.event).toMatchObject({ token: 'c-295ee57216a5dc9de90fefd0aadb4b1d7d337d5e', action: { tag: 'button' } });
    expect(env.event).not.toHaveProperty('event_id');
  });
});

describe('the long connection', () => {
  it('refuses an appId the SDK would silently ignore, naming the variable', async () => {
    h = await createHarness();
    expect(() => startWsClient({ config: { ...h!.config, appId: 'cli_short' }, logger: h!.logger, intake: h!.app.intake })).toThrow(/LARK_APP_ID "cli_short"/);
  });

  it('connects with the app credentials at /callback/ws/endpoint, pings, and adopts the pong\'s ClientConfig', async () => {
    h = await createHarness();
    // The endpoint's config pings every 20 ms; the first pong says 3600 s. The SDK must switch to the pong's value.
    h.fake.ws.config = { ...h.fake.ws.config, PingInterval: 0.02 };
    h.fake.ws.pongConfig = { ...h.fake.ws.config, PingInterval: 3600 };
    const c = startWsClient({ config: h.config, logger: h.logger, intake: h.app.intake });
    clients.push(c);
    const [conn] = await h.fake.ws.waitForOpen(1);
    await h.fake.ws.waitForPings(conn!.id, 2);
    const endpointCall = h.fake.calls.find((x) => x.route === 'ws_endpoint')!;
    expect(endpointCall.body).toEqual({ AppID: h.config.appId, AppSecret: '[redacted]' });
    expect(conn!.serviceId).toBeGreaterThan(0);
    const ws = (c.client as unknown as { wsConfig: { getWS(k: string): unknown } }).wsConfig;
    // The pong may land after the second ping on a busy machine: wait for the client to adopt it (no fixed sleep).
    await h.fake.waitFor(() => ws.getWS('pingInterval') === 3_600_000, { what: "the client to adopt the pong's PingInterval" });
    expect(ws.getWS('serviceId')).toBe(String(conn!.serviceId));
  });

  it('answers a message: the event arrives as a frame, the reply goes out through the Open API', async () => {
    await wsBot();
    const d = await h!.fake.deliverMessage({ from: 'ou_ws_user', chatType: 'p2p', text: '帮助' });
    expect(d.responses[0]).toMatchObject({ status: 200, connections: [1] });
    await h!.app.settle();
    expect(repliesTo(h!, d.messageId)).toHaveLength(1);
    expect(textOf(repliesTo(h!, d.messageId)[0])).toContain('示范单位评选助手');
    expect(await h!.prisma.processedEvent.findUnique({ where: { eventId: d.eventId } })).toMatchObject({ messageId: d.messageId, status: 'done' });
  });

  it('merges an event split into fragments (sum/seq under one message_id)', async () => {
    await wsBot();
    const d = await h!.fake.deliverMessage({ from: 'ou_ws_user', chatType: 'p2p', text: '帮助', ws: { fragmentBytes: 97 } });
    expect(JSON.stringify(d.event).length).toBeGreaterThan(97 * 5);
    await h!.app.settle();
    expect(repliesTo(h!, d.messageId)).toHaveLength(1);
  });

  it('returns a card callback\'s inline answer (toast and new card) in the response frame', async () => {
    await wsBot(1, { secretariat: [SEC] });
    const d = await h!.fake.deliverMessage({ from: SEC, chatType: 'p2p', text: '/campaign open 2026年度评选 --apply-by 2026-05-31' });
    await h!.app.settle();
    const confirm = repliesTo(h!, d.messageId)[0]!;
    const value = JSON.parse(confirm.content).body.elements.flatMap((e: { columns?: Array<{ elements: unknown[] }> }) => e.columns?.flatMap((c) => c.elements) ?? [e])
      .find((b: { tag?: string; text?: { content: string } }) => b.tag === 'button' && b.text?.content.includes('确认开启')).behaviors[0].value;
    const r = await h!.fake.deliverCardAction({ operator: SEC, value, messageId: confirm.message_id, chatId: confirm.chat_id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ toast: { type: 'success' }, card: { type: 'raw' } });
    expect(r.cardApplied).toBe(true);
    expect(h!.fake.message(confirm.message_id)!.patches).toHaveLength(1);
    expect((await h!.prisma.campaign.findFirstOrThrow()).status).toBe('OPEN');
  });

  it('handles once an event that reaches two connections', async () => {
    await wsBot(2);
    const [a, b] = h!.fake.ws.open();
    const first = await h!.fake.deliverMessage({ from: 'ou_ws_user', chatType: 'p2p', text: '帮助', ws: { to: a!.id } });
    const again = await h!.fake.deliverMessage({ from: 'ou_ws_user', chatType: 'p2p', text: '帮助', eventId: first.eventId, messageId: first.messageId, ws: { to: b!.id } });
    expect([first.responses[0]!.connections, again.responses[0]!.connections]).toEqual([[a!.id], [b!.id]]);
    expect(again.responses[0]!.status).toBe(200);
    await h!.app.settle();
    expect(repliesTo(h!, first.messageId)).toHaveLength(1);
    expect(await h!.prisma.processedEvent.count()).toBe(1);
  });

  it('reconnects after a drop and loses nothing: an unanswered event is redelivered, one sent while down waits', async () => {
    await wsBot();
    // The bot works on this one, but its answer never reaches Feishu: the socket dies and Feishu sends it again.
    const lost = await h!.fake.deliverMessage({ from: 'ou_ws_user', chatType: 'p2p', text: '帮助', ws: { loseAnswer: true } });
    expect(lost.responses[0]!.connections).toHaveLength(2);
    expect(lost.responses[0]!.status).toBe(200);
    // Dropped again; this one is pushed once the SDK has reconnected.
    h!.fake.ws.drop();
    const later = await h!.fake.deliverMessage({ from: 'ou_ws_user', chatType: 'p2p', text: '我的申报' });
    await h!.app.settle();
    expect(repliesTo(h!, lost.messageId)).toHaveLength(1);
    expect(repliesTo(h!, later.messageId)).toHaveLength(1);
    expect(await h!.prisma.processedEvent.count()).toBe(2);
    expect(h!.fake.ws.connections.length).toBe(3);
    expect(h!.fake.calls.filter((c) => c.route === 'ws_endpoint')).toHaveLength(3);
  });
});
