/** Why: WS mode must be tested against the protocol the SDK's WSClient really speaks, over a real socket, not by calling our steps directly. */
// The long connection, as the SDK (1.74, lib/index.js WSClient) speaks it:
// 1. POST {domain}/callback/ws/endpoint with {AppID, AppSecret} → {code:0, data:{URL, ClientConfig:{PingInterval,
//    ReconnectCount, ReconnectInterval, ReconnectNonce}}} (seconds). The SDK reads device_id and service_id from URL.
// 2. A WebSocket to URL. Every message is a protobuf pbbp2.Frame (frame.ts). The client sends control frames
//    (method 0) with header type=ping every PingInterval; the server answers type=pong with the ClientConfig as JSON
//    payload, which the client adopts.
// 3. Events are data frames (method 1) with headers type=event, message_id, sum, seq, trace_id; a payload larger than
//    one frame is split into `sum` fragments (seq 0..sum-1) that the client merges by message_id. The payload is the
//    plain schema-2.0 event JSON: no encryption, no signature (the connection is authenticated instead).
// 4. The client answers each event with the same frame, a biz_rt header added, and payload {"code":200,"data":
//    base64(JSON of the handler's answer)}: a card.action.trigger's inline answer travels back this way.
// Feishu delivers each event to one of the app's connections and redelivers it when no answer came back.
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../log.ts';
import { decodeFrame, encodeFrame, FRAME_CONTROL, FRAME_DATA, headerMap, type WsFrame } from './frame.ts';

/** Seconds, as Feishu sends them. Defaults are what Feishu hands out. */
export interface WsClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}
export const FEISHU_WS_CLIENT_CONFIG: WsClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 };

export interface WsConnection {
  id: number;
  deviceId: string;
  serviceId: number;
  openedAt: number;
  pings: number;
  open: boolean;
  /**
   * The SDK listens for frames only after its connect() resolves, a moment after the socket opens; a frame sent in that
   * gap is lost on the client. Its first ping (sent from the open handler, so it lands after the listener is on) marks
   * the connection ready, and only ready connections get events.
   */
  ready: boolean;
}

export interface WsDeliverOptions {
  /** Which connection gets it: by id, or the next one in turn (default). */
  to?: number;
  /** Split the payload into frames of at most this many bytes (the SDK merges them). */
  fragmentBytes?: number;
  /** Ignore the client's answer and drop its connection: the event is then redelivered on the next connection. */
  loseAnswer?: boolean;
  /** Give up after this long without an answer on any connection (real time; default 10 s). */
  timeoutMs?: number;
}

export interface WsDelivery {
  /** The answer frame's payload: {code, data?} with data base64 JSON. */
  code: number;
  /** The handler's answer, decoded from `data` (undefined when there was none). */
  body: unknown;
  /** Connections the frames went to, in order (more than one when an answer was lost). */
  connections: number[];
  elapsedMs: number;
}

interface Live {
  conn: WsConnection;
  socket: WebSocket;
}

interface Pending {
  resolve(frame: WsFrame): void;
  connId: number;
  lose: boolean;
}

export class WsGateway extends EventEmitter {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly live = new Map<number, Live>();
  private readonly tickets = new Map<string, { deviceId: string; serviceId: number }>();
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private turn = 0;
  private seq = 1;
  config: WsClientConfig = { ...FEISHU_WS_CLIENT_CONFIG };
  /** When set, pongs carry this instead of `config` (the client adopts what a pong says). */
  pongConfig?: WsClientConfig;
  readonly connections: WsConnection[] = [];

  constructor(private readonly o: { appId: string; appSecret: string; baseUrl: () => string; logger?: Logger }) {
    super();
    this.setMaxListeners(100);
  }

  /** POST /callback/ws/endpoint: the client's credentials buy a one-time connection URL. */
  endpoint(body: Record<string, unknown>): { code: number; msg: string; data: Record<string, unknown> } {
    if (body.AppID !== this.o.appId) return { code: 1000040343, msg: 'app not found', data: {} };
    if (body.AppSecret !== this.o.appSecret) return { code: 514, msg: 'auth failed: app secret invalid', data: {} };
    const ticket = randomUUID();
    const deviceId = String(7_000_000_000 + Math.floor(Math.random() * 1e9));
    const serviceId = 33_554_678;
    this.tickets.set(ticket, { deviceId, serviceId });
    const ws = this.o.baseUrl().replace(/^http/, 'ws');
    const URL = `${ws}/ws/v2?fpid=493&aid=552564&device_id=${deviceId}&access_key=${randomBytes(16).toString('hex')}&service_id=${serviceId}&ticket=${ticket}`;
    return { code: 0, msg: 'ok', data: { URL, ClientConfig: { ...this.config } } };
  }

  /** Takes over HTTP upgrades on /ws/v2 of the fake's server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const grant = u.pathname === '/ws/v2' ? this.tickets.get(u.searchParams.get('ticket') ?? '') : undefined;
      if (!grant || grant.deviceId !== u.searchParams.get('device_id')) {
        socket.end('HTTP/1.1 403 Forbidden\r\nhandshake-status: 403\r\nhandshake-msg: invalid ticket\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.tickets.delete(u.searchParams.get('ticket')!);
      this.wss.handleUpgrade(req, socket, head, (socket) => this.accept(socket, grant));
    });
  }

  private accept(socket: WebSocket, grant: { deviceId: string; serviceId: number }): void {
    const conn: WsConnection = { id: this.nextId++, deviceId: grant.deviceId, serviceId: grant.serviceId, openedAt: Date.now(), pings: 0, open: true, ready: false };
    this.connections.push(conn);
    this.live.set(conn.id, { conn, socket });
    socket.on('message', (data: Buffer) => this.onFrame(conn, socket, data));
    socket.on('close', () => {
      conn.open = false;
      this.live.delete(conn.id);
      this.emit('close', conn);
    });
    socket.on('error', (err) => this.o.logger?.debug({ err }, 'fake feishu ws: socket error'));
    this.emit('connect', conn);
  }

  private onFrame(conn: WsConnection, socket: WebSocket, data: Buffer): void {
    let frame: WsFrame;
    try {
      frame = decodeFrame(data);
    } catch (err) {
      this.o.logger?.error({ err }, 'fake feishu ws: undecodable frame');
      return;
    }
    const h = headerMap(frame);
    if (frame.method === FRAME_CONTROL && h.type === 'ping') {
      conn.pings++;
      const pong = { ...frame, headers: [{ key: 'type', value: 'pong' }], payload: new TextEncoder().encode(JSON.stringify(this.pongConfig ?? this.config)) };
      socket.send(encodeFrame(pong));
      if (!conn.ready) {
        conn.ready = true;
        this.emit('connect', conn);
      }
      this.emit('ping', conn);
      return;
    }
    if (frame.method === FRAME_DATA && h.message_id) {
      const p = this.pending.get(h.message_id);
      if (!p || p.connId !== conn.id) return;
      this.pending.delete(h.message_id);
      if (p.lose) {
        socket.terminate();
        return;
      }
      p.resolve(frame);
    }
  }

  /** Open, ready connections, oldest first. */
  open(): WsConnection[] {
    return [...this.live.values()].map((l) => l.conn).filter((c) => c.ready);
  }

  /** Resolves once at least `n` connections are open and ready (in order of opening). */
  async waitForOpen(n = 1, timeoutMs = 10_000): Promise<WsConnection[]> {
    if (this.open().length >= n) return this.open();
    return this.until('connect', () => this.open().length >= n, timeoutMs, `${n} open connection(s)`).then(() => this.open());
  }

  /** Resolves once the connection has sent `n` pings. */
  waitForPings(connId: number, n: number, timeoutMs = 10_000): Promise<void> {
    const c = this.connections.find((x) => x.id === connId);
    return this.until('ping', () => (c?.pings ?? 0) >= n, timeoutMs, `${n} ping(s) on connection ${connId}`);
  }

  private until(event: string, done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, check);
        reject(new Error(`fake feishu ws: no ${what} within ${timeoutMs} ms (connections: ${JSON.stringify(this.connections)})`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.off(event, check);
        resolve();
      };
      this.on(event, check);
    });
  }

  /** Closes a connection from Feishu's side, as a network drop does (the SDK then reconnects). */
  drop(connId?: number): void {
    const target = connId ?? this.open()[0]?.id;
    const l = target === undefined ? undefined : this.live.get(target);
    l?.socket.terminate();
  }

  /**
   * Pushes one event payload (the plain schema-2.0 JSON) and waits for the client's answer. With no connection open it
   * waits for one; when the connection closes before answering, it redelivers on another, as Feishu does.
   */
  async deliver(payload: unknown, o: WsDeliverOptions = {}): Promise<WsDelivery> {
    const started = performance.now();
    const deadline = Date.now() + (o.timeoutMs ?? 10_000);
    const bytes = new TextEncoder().encode(JSON.stringify(payload));
    const used: number[] = [];
    let lose = o.loseAnswer ?? false;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake feishu ws: no answer to the event within ${o.timeoutMs ?? 10_000} ms (tried connections ${used.join(', ') || 'none'})`);
      const [first] = await this.waitForOpen(1, left);
      const target = (used.length === 0 && o.to !== undefined ? this.live.get(o.to) : undefined) ?? this.pick(first!.id);
      used.push(target.conn.id);
      const answer = await this.push(target, bytes, o.fragmentBytes, lose, deadline);
      lose = false;
      if (!answer) continue;
      const resp = JSON.parse(new TextDecoder().decode(answer.payload ?? new Uint8Array())) as { code: number; data?: string };
      const body = resp.data ? (JSON.parse(Buffer.from(resp.data, 'base64').toString('utf8')) as unknown) : undefined;
      return { code: resp.code, body, connections: used, elapsedMs: performance.now() - started };
    }
  }

  private pick(fallback: number): Live {
    const open = [...this.live.values()].filter((l) => l.conn.ready);
    return open[this.turn++ % open.length] ?? this.live.get(fallback)!;
  }

  /** Sends the frames on one connection; resolves with the answer, or null when that connection closed first. */
  private push(target: Live, bytes: Uint8Array, fragmentBytes: number | undefined, lose: boolean, deadline: number): Promise<WsFrame | null> {
    const messageId = `msg_${randomBytes(12).toString('hex')}`;
    const size = Math.max(1, fragmentBytes ?? bytes.length);
    const sum = Math.max(1, Math.ceil(bytes.length / size));
    const traceId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), Math.max(0, deadline - Date.now()));
      const onClose = (c: WsConnection) => c.id === target.conn.id && finish(null);
      const finish = (f: WsFrame | null) => {
        clearTimeout(timer);
        this.off('close', onClose);
        this.pending.delete(messageId);
        resolve(f);
      };
      this.on('close', onClose);
      this.pending.set(messageId, { resolve: finish, connId: target.conn.id, lose });
      for (let i = 0; i < sum; i++) {
        const frame: WsFrame = {
          SeqID: this.seq++, LogID: this.seq, service: target.conn.serviceId, method: FRAME_DATA,
          headers: [
            { key: 'type', value: 'event' }, { key: 'message_id', value: messageId }, { key: 'sum', value: String(sum) },
            { key: 'seq', value: String(i) }, { key: 'trace_id', value: traceId },
          ],
          payload: bytes.subarray(i * size, (i + 1) * size),
        };
        target.socket.send(encodeFrame(frame));
      }
    });
  }

  close(): void {
    for (const l of this.live.values()) l.socket.terminate();
    this.wss.close();
  }
}
