/** Why: end-to-end tests, the browser sandbox and benchmarks point the real SDK at this loopback fake of Feishu. */
import { systemClock } from '../../clock.ts';
import { Deliverer, type DeliverCardActionOptions, type DeliverEventOptions, type DeliverMessageOptions, type Transport } from './events.ts';
import { Faults, RateLimiter } from './limits.ts';
import { createOpenApi, resolveRoute } from './openapi.ts';
import { startServer } from './server.ts';
import { FakeState } from './state.ts';
import { WsGateway } from './ws.ts';
import { SurfaceState } from './surface-state.ts';
import { createSurfaceApi, isSurfaceRoute, resolveSurfaceRoute } from './surfaces.ts';
import type {
  CardActionDelivery, ChaosConfig, DeliveryForge, DeliveryResponse, FakeChat, FakeFeishuOptions, FakeMessage, FakeUser,
  FaultRule, MessageDelivery, RecordedCall,
} from './types.ts';

export * from './types.ts';
export type { FakeTask, FakeBase, FakeTable, FakeRecord, FakeUrgent, SurfaceState } from './surface-state.ts';
export { validateCard, describeCardFailure, type CardCheck, type CardFailure } from './cards.ts';
export { encryptPayload, decryptPayload, signPayload, type DeliverMessageOptions, type DeliverCardActionOptions, type DeliverEventOptions, type Transport } from './events.ts';
export { FEISHU_WS_CLIENT_CONFIG, type WsClientConfig, type WsConnection, type WsDeliverOptions, type WsDelivery, WsGateway } from './ws.ts';
export { encodeFrame, decodeFrame, type WsFrame } from './frame.ts';

export interface FakeFeishu {
  /** e.g. `http://127.0.0.1:54321`, no trailing slash: pass as the SDK's `domain`. */
  readonly url: string;
  readonly appId: string;
  readonly botOpenId: string;
  readonly tenantKey: string;
  /** Every Open API call, in order (secrets redacted, Authorization never recorded). */
  readonly calls: RecordedCall[];
  /** Every message the bot created (after uuid dedupe), in order. */
  readonly messages: FakeMessage[];
  /** Tasks, urgent marks, read receipts and Bases the bot made (issue 16's work surfaces). */
  readonly surfaces: SurfaceState;
  /**
   * Marks bot messages as read by a person (one message, or every bot message in a chat), as opening the chat in
   * Feishu does; read_users then lists them. Returns how many became read.
   */
  markRead(o: { openId: string; messageId?: string; chatId?: string }): number;
  /** Calls refused by enforceLimits so far. */
  readonly rateLimited: number;
  close(): Promise<void>;

  addUser(u: { openId: string; name: string; userId?: string; unionId?: string; enName?: string; email?: string }): FakeUser;
  addChat(c: { chatId: string; name: string; type: 'group' | 'p2p'; members: string[]; botMember?: boolean }): FakeChat;
  users(): FakeUser[];
  chats(): FakeChat[];

  /** Bot messages in a chat, or to a user (their p2p chat or sent to their id). */
  messagesTo(openIdOrChatId: string): FakeMessage[];
  message(messageId: string): FakeMessage | undefined;
  /** Forget messages, calls, uuids, files, queued faults, chaos and rate windows; keeps users, chats and tokens. */
  clear(): void;
  /** Poll (real time) until `predicate` returns a truthy value, and return it; throws listing what was seen. */
  waitFor<T>(predicate: (messages: FakeMessage[], calls: RecordedCall[]) => T | undefined | null | false, opts?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<T>;

  inject(rule: FaultRule): void;
  clearFaults(): void;
  setChaos(cfg: ChaosConfig | null): void;
  /** Chaos faults fired so far, by kind. */
  chaosFired(): Record<string, number>;
  setLatency(ms: number): void;
  setEnforceLimits(on: boolean): void;
  setValidateCards(on: boolean): void;
  /** Invalidate every issued tenant token (next calls get 99991663). */
  revokeTokens(): void;

  setBotEndpoint(url: string): void;
  /** The long connection (POST /callback/ws/endpoint, then /ws/v2): its connections, pings, drops and deliveries. */
  readonly ws: WsGateway;
  /** Where deliveries go by default: the webhook (setBotEndpoint) or the long connection. */
  setTransport(t: Transport): void;
  deliverMessage(o: DeliverMessageOptions): Promise<MessageDelivery>;
  deliverCardAction(o: DeliverCardActionOptions): Promise<CardActionDelivery>;
  deliverEvent(eventType: string, event: Record<string, unknown>, o?: DeliverEventOptions): Promise<{ eventId: string; responses: DeliveryResponse[] }>;
  deliverP2pEntered(o: { user: string; lastMessageId?: string } & DeliverEventOptions): Promise<{ eventId: string; responses: DeliveryResponse[] }>;
  deliverMenu(o: { user: string; eventKey: string } & DeliverEventOptions): Promise<{ eventId: string; responses: DeliveryResponse[] }>;
  deliverBotAdded(o: { chatId: string; operator: string; name?: string } & DeliverEventOptions): Promise<{ eventId: string; responses: DeliveryResponse[] }>;
  deliverChallenge(o?: { encrypted?: boolean } & DeliveryForge): Promise<{ challenge: string; status: number; body: unknown; responses: DeliveryResponse[] }>;
  deliverRaw(body: string, headers?: Record<string, string>): Promise<DeliveryResponse>;
}

export async function createFakeFeishu(opts: FakeFeishuOptions): Promise<FakeFeishu> {
  const clock = opts.clock ?? systemClock;
  const tenantKey = opts.tenantKey ?? 'tenant_fake_0001';
  const botOpenId = opts.botOpenId ?? 'ou_bot';
  const state = new FakeState(clock, opts.appId, tenantKey, opts.tokenTtlSeconds);
  const limiter = new RateLimiter();
  const faults = new Faults();
  let latency = opts.latencyMs ?? 0;
  let enforce = opts.enforceLimits ?? false;
  let validate = opts.validateCards ?? true;
  const logger = opts.logger;

  let baseUrl = '';
  const ws = new WsGateway({ appId: opts.appId, appSecret: opts.appSecret, baseUrl: () => baseUrl, logger });
  const dispatch = createOpenApi({
    state, ws, limiter, appId: opts.appId, appSecret: opts.appSecret, botOpenId, botName: opts.botName ?? 'Bot',
    enforceLimits: () => enforce, validateCards: () => validate,
  });
  const surfaces = new SurfaceState(state);
  const surfaceApi = createSurfaceApi({ state, surfaces, limiter, appId: opts.appId, botOpenId, enforceLimits: () => enforce });
  const srv = await startServer(
    {
      state, faults,
      resolve: (method, path) => resolveSurfaceRoute(method, path) ?? resolveRoute(method, path),
      dispatch: (req) => (isSurfaceRoute(req.route) ? surfaceApi(req) : dispatch(req)),
      latencyMs: () => latency, maxBodyBytes: opts.maxBodyBytes ?? 32 * 1024 * 1024, logger },
    opts.host ?? '127.0.0.1',
    opts.port ?? 0,
  );
  baseUrl = srv.url;
  ws.attach(srv.server);
  const deliverer = new Deliverer({
    state, appId: opts.appId, tenantKey, verificationToken: opts.verificationToken, encryptKey: opts.encryptKey || undefined,
    botOpenId, botName: opts.botName ?? 'Bot', validateCards: () => validate, ws, logger,
  });
  logger?.info({ url: srv.url }, 'fake feishu listening');

  const messagesTo = (id: string) => {
    const p2p = state.p2pChatOf(id)?.chatId;
    return state.messages.filter((m) => m.chat_id === id || m.receive_id === id || (p2p !== undefined && m.chat_id === p2p));
  };

  const fake: FakeFeishu = {
    url: srv.url,
    appId: opts.appId,
    botOpenId,
    tenantKey,
    calls: state.calls,
    messages: state.messages,
    surfaces,
    markRead(o) {
      const ids = o.messageId ? [o.messageId] : state.messages.filter((m) => m.chat_id === o.chatId).map((m) => m.message_id);
      return ids.filter((id) => surfaces.markRead(id, o.openId)).length;
    },
    get rateLimited() {
      return limiter.rateLimited;
    },
    close: async () => {
      ws.close();
      await srv.close();
    },
    addUser: (u) => state.addUser(u),
    addChat: (c) => state.addChat(c),
    users: () => [...state.users.values()],
    chats: () => [...state.chats.values()],
    messagesTo,
    message: (id) => state.all.get(id)?.record,
    clear() {
      state.clear();
      surfaces.clear();
      faults.clear();
      faults.setChaos(null);
      limiter.reset();
    },
    async waitFor(predicate, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 5000);
      for (;;) {
        const got = predicate(state.messages, state.calls);
        if (got) return got;
        if (Date.now() >= deadline) throw new Error(describeTimeout(o.what ?? 'predicate', o.timeoutMs ?? 5000, state.messages, state.calls));
        await new Promise((r) => setTimeout(r, o.intervalMs ?? 10));
      }
    },
    inject: (rule) => faults.inject(rule),
    clearFaults: () => faults.clear(),
    setChaos: (cfg) => faults.setChaos(cfg),
    chaosFired: () => ({ ...faults.chaosFired }),
    setLatency(ms) {
      latency = ms;
    },
    setEnforceLimits(on) {
      enforce = on;
    },
    setValidateCards(on) {
      validate = on;
    },
    revokeTokens: () => state.revokeTokens(),
    setBotEndpoint(url) {
      deliverer.endpoint = url;
    },
    ws,
    setTransport(t) {
      deliverer.transport = t;
    },
    deliverMessage: (o) => deliverer.deliverMessage(o),
    deliverCardAction: (o) => deliverer.deliverCardAction(o),
    deliverEvent: (type, event, o) => deliverer.deliverEvent(type, event, o),
    deliverP2pEntered: (o) => deliverer.deliverP2pEntered(o),
    deliverMenu: (o) => deliverer.deliverMenu(o),
    deliverBotAdded: (o) => deliverer.deliverBotAdded(o),
    deliverChallenge: (o) => deliverer.deliverChallenge(o),
    deliverRaw: (body, headers) => deliverer.deliverRaw(body, headers),
  };
  return fake;
}

function describeTimeout(what: string, ms: number, messages: FakeMessage[], calls: RecordedCall[]): string {
  const short = (s: string) => (s.length > 160 ? `${s.slice(0, 160)}…` : s);
  const lines = [`fake feishu: waitFor(${what}) timed out after ${ms} ms.`, `Bot messages seen (${messages.length}):`];
  for (const m of messages.slice(-15)) {
    lines.push(`  - ${m.message_id} chat=${m.chat_id} ${m.msg_type}${m.patches.length ? ` (patched ×${m.patches.length})` : ''}: ${short(m.content)}`);
  }
  lines.push(`Last Open API calls (${calls.length} in all):`);
  for (const c of calls.slice(-10)) {
    const code = (c.response as { code?: number } | null)?.code;
    lines.push(`  - ${c.method} ${c.path} → ${c.status}${code !== undefined ? ` code=${code}` : ''}${c.fault ? ` [${c.fault}]` : ''}`);
  }
  return lines.join('\n');
}
