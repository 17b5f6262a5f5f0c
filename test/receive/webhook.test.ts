/** Slow and idle clients on the real webhook server: cut off at their deadline, and meanwhile nobody else waits for them. */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { serverOptions } from '../../src/receive/webhook.ts';
import { loadConfig } from '../../src/config.ts';

let h: Harness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.close();
  h = undefined;
});

/** A raw client: what it received, and a promise that settles when the server closes the connection. */
function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let received = '';
  let closedByUs = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (received += d));
  socket.on('error', () => undefined);
  const closed = new Promise<{ byServer: boolean }>((resolve) => socket.once('close', () => resolve({ byServer: !closedByUs })));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    socket,
    connected,
    closed,
    get received() {
      return received;
    },
    /** Resolves once the server has answered `100 Continue`, i.e. it has parsed the headers and waits for the body. */
    continued: new Promise<void>((resolve) => {
      const check = () => (received.includes('100 Continue') ? resolve() : undefined);
      socket.on('data', check);
    }),
    close() {
      closedByUs = true;
      socket.destroy();
    },
  };
}

const slowPost = (bytes: number) =>
  `POST /lark/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\nExpect: 100-continue\r\n\r\n`;

describe('slow and idle clients', () => {
  it('a client dribbling its body delays nobody: other events are acknowledged and answered, and it is not counted as an ack', async () => {
    h = await createHarness({ env: { HTTP_BODY_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '30000' } });
    const slow = rawClient(h.botUrl);
    await slow.connected;
    slow.socket.write(slowPost(100_000));
    await slow.continued;
    slow.socket.write('{');

    const d = await h.fake.deliverMessage({ from: 'ou_alice', chatType: 'p2p', text: '帮助' });
    expect(d.responses.map((r) => r.status)).toEqual([200]);
    await h.app.settle();
    expect(h.fake.messagesTo('ou_alice')).toHaveLength(1);
    expect(await h.prisma.processedEvent.count({ where: { status: 'done' } })).toBe(1);
    // The slow request is still open, and holds no handler back.
    expect(slow.socket.destroyed).toBe(false);
    expect(h.app.intake.acks.inFlight).toBe(0);
    const health = (await (await fetch(`${h.botUrl}/healthz`)).json()) as { events: { acking: number } };
    expect(health.events.acking).toBe(0);
    slow.close();
  });

  it('cuts off a client whose body does not arrive within the deadline, with 408, and keeps serving others', async () => {
    h = await createHarness({ env: { HTTP_BODY_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '5000' } });
    const slow = rawClient(h.botUrl);
    await slow.connected;
    slow.socket.write(slowPost(100_000));
    await slow.continued;
    // One byte every 50 ms: the client keeps the connection busy but never finishes.
    const drip = setInterval(() => (slow.socket.writable ? slow.socket.write(' ') : undefined), 50);
    try {
      const d = await h.fake.deliverMessage({ from: 'ou_bob', chatType: 'p2p', text: '帮助' });
      expect(d.responses.map((r) => r.status)).toEqual([200]);
      expect(await slow.closed).toEqual({ byServer: true });
    } finally {
      clearInterval(drip);
    }
    expect(slow.received).toContain('HTTP/1.1 408');
    expect(slow.received).toContain('body_timeout');
    await h.app.settle();
    expect(h.fake.messagesTo('ou_bob')).toHaveLength(1);
    // Nothing of the cut-off request was stored or acknowledged as an event.
    expect(await h.prisma.processedEvent.count()).toBe(1);
    expect(h.app.intake.acks.inFlight).toBe(0);
    expect((await h.fake.deliverMessage({ from: 'ou_carol', chatType: 'p2p', text: '帮助' })).responses.map((r) => r.status)).toEqual([200]);
  });

  it('closes a connection whose headers never finish', async () => {
    h = await createHarness({ env: { HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_BODY_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '400' } });
    const idle = rawClient(h.botUrl);
    await idle.connected;
    idle.socket.write('POST /lark/events HTTP/1.1\r\nHost: bot\r\n');
    expect(await idle.closed).toEqual({ byServer: true });
    expect(idle.received).toContain('408');
    expect(await h.prisma.processedEvent.count()).toBe(0);
  });

  it('closes a connection that never sends a byte', async () => {
    h = await createHarness({ env: { HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_BODY_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '400' } });
    const idle = rawClient(h.botUrl);
    await idle.connected;
    expect(await idle.closed).toEqual({ byServer: true });
  });
});

describe('serverOptions', () => {
  it('takes the deadlines from the configuration, and checks them often enough to matter', () => {
    const config = loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '4000', HTTP_REQUEST_TIMEOUT_MS: '9000', HTTP_BODY_TIMEOUT_MS: '3000' });
    expect(serverOptions(config)).toEqual({ headersTimeout: 4000, requestTimeout: 9000, connectionsCheckingInterval: 1000 });
    const small = loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '200', HTTP_BODY_TIMEOUT_MS: '200', HTTP_REQUEST_TIMEOUT_MS: '400' });
    expect(serverOptions(small).connectionsCheckingInterval).toBe(50);
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 5000, bodyTimeoutMs: 5000, requestTimeoutMs: 10_000 });
  });

  it('refuses deadlines that contradict each other, naming the variables', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '9000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS: expected at most HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_BODY_TIMEOUT_MS: '9000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(/HTTP_BODY_TIMEOUT_MS: expected at most HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_BODY_TIMEOUT_MS: '10' })).toThrow(/HTTP_BODY_TIMEOUT_MS: expected a number of milliseconds from 100 to 120000/);
  });
});
