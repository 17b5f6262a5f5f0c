/** Why: one place for the fake Open Platform's public shapes, so e2e tests, the browser sandbox and benchmarks share them. */
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../log.ts';
import type { CardFailure } from './cards.ts';

export interface FakeFeishuOptions {
  appId: string;
  appSecret: string;
  /** When set, delivered events are encrypted `{"encrypt":"…"}` and every delivery is signed. */
  encryptKey?: string;
  /** Put in `header.token` of delivered events (and `token` of url_verification). */
  verificationToken: string;
  /** The bot's own open_id (default `ou_bot`), used in mentions. */
  botOpenId?: string;
  botName?: string;
  /** Default systemClock: token expiry, uuid 1 h window, event timestamps, 14-day patch window, rate windows. */
  clock?: Clock;
  port?: number;
  host?: string;
  /** Default false. When true: 50/s and 1000/min per app, 5 QPS per chat and per user on send/reply, 5 QPS per message on patch. */
  enforceLimits?: boolean;
  /** Default true: every interactive create/reply/patch is checked against card JSON 2.0. */
  validateCards?: boolean;
  /** Added before every Open API answer (benchmarks use 300). Real time, not the clock. */
  latencyMs?: number;
  /** Request bodies above this are refused with HTTP 413 (default 32 MiB: files may be 30 MB). */
  maxBodyBytes?: number;
  tenantKey?: string;
  /**
   * Lifetime of issued tenant tokens in clock seconds (default 7200, as Feishu). The SDK caches tokens by real time, so a
   * test that moves a ManualClock past this sees 99991663 until the bot fetches a new token; raise it to avoid that.
   */
  tokenTtlSeconds?: number;
  logger?: Logger;
}

export type RouteName = 'token' | 'bot' | 'send' | 'reply' | 'patch' | 'card_update' | 'members' | 'user' | 'files' | 'ws_endpoint' | 'unknown';

/** Routes of the work surfaces (issue 16): tasks, urgent and read receipts, Bases and their sharing. */
export type SurfaceRouteName =
  | 'task_create' | 'task_get' | 'task_patch' | 'task_delete'
  | 'urgent_app' | 'read_users'
  | 'base_create' | 'table_create' | 'table_list' | 'table_delete' | 'records_create' | 'records_update'
  | 'permission_member';

/** Any route a call can be recorded under or a fault can match: the core ones and the work surfaces'. */
export type AnyRouteName = RouteName | SurfaceRouteName;

export interface RecordedCall {
  method: string;
  path: string;
  route: AnyRouteName;
  query: Record<string, string>;
  /** Parsed JSON body; multipart as `{ fields, file: {name, size} }`; secrets replaced by `[redacted]`. */
  body: unknown;
  /** HTTP status; 0 when the socket was destroyed or the answer was held (timeout/reset faults). */
  status: number;
  /** Parsed answer (tokens redacted); null when no answer was sent. */
  response: unknown;
  at: Date;
  /** The injected fault or limit that shaped this answer, if any. */
  fault?: string;
}

export interface FakeMessage {
  message_id: string;
  chat_id: string;
  receive_id: string;
  receive_id_type: string;
  msg_type: string;
  /** Current content (after patches). */
  content: string;
  /** Content as first sent. */
  originalContent: string;
  /** Parsed current card when msg_type is interactive. */
  card?: unknown;
  /** Every patched content, in order (PATCH calls and `card.type=raw` callback answers). */
  patches: string[];
  uuid?: string;
  /** The message this one replies to (reply API). */
  replyTo?: string;
  root_id?: string;
  thread_id?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface FakeUser {
  openId: string;
  name: string;
  userId: string;
  unionId: string;
  enName?: string;
  email?: string;
}

export interface FakeChat {
  chatId: string;
  name: string;
  type: 'group' | 'p2p';
  /** Human members' open_ids (the bot is not listed: chat-member APIs leave bots out). */
  members: string[];
  /** The bot is in every chat it is added to; false simulates it being removed (230002 / 232011). */
  botMember: boolean;
}

export type FaultSpec =
  | { kind: 'latency'; ms: number }
  | { kind: 'http429'; resetSeconds?: number }
  | { kind: 'code230020' }
  | { kind: 'http5xx'; status?: number }
  | { kind: 'code'; code: number; msg?: string; status?: number }
  /** Hold the answer `ms` (default 120 s, or until close) and then destroy the socket. */
  | { kind: 'timeout'; ms?: number }
  | { kind: 'reset' };

export type FaultKind = FaultSpec['kind'];

export type FaultRule = FaultSpec & {
  match?: { method?: string; pathPrefix?: string; route?: AnyRouteName };
  /** How many matching calls this rule consumes (default 1). */
  times?: number;
  /**
   * Default false: the failure replaces the call, so nothing is created. When true the call is carried out first
   * (the message exists) and only the answer is lost or replaced: the "did my send land?" case that uuid solves.
   */
  afterCommit?: boolean;
};

export interface ChaosConfig {
  /** Fraction of send/reply/patch calls that fail, 0..1. */
  rate: number;
  seed: number;
  /** Kinds to draw from (default http429, code230020, http5xx, reset). */
  kinds?: Array<Exclude<FaultKind, 'latency'> | FaultSpec>;
  /** Routes subject to chaos (default send, reply, patch). */
  routes?: AnyRouteName[];
}

export interface DeliveryForge {
  /** Replace the computed `x-lark-signature`. */
  signature?: string;
  /** Replace the `x-lark-request-timestamp` (seconds); the signature is computed over it unless also forged. */
  timestamp?: string;
  nonce?: string;
  /** Default: encrypt when encryptKey is set. */
  encrypt?: boolean;
  headers?: Record<string, string>;
}

export interface DeliveryResponse {
  status: number;
  /** Parsed JSON answer, or undefined when it was not JSON. */
  body: unknown;
  text: string;
  elapsedMs: number;
  /** Feishu wants an answer within 3 s (card callbacks show error 200340 past it). */
  late: boolean;
  /** Over the long connection: the connections the event went to, in order (more than one when an answer was lost). */
  connections?: number[];
}

export interface MessageDelivery {
  eventId: string;
  messageId: string;
  chatId: string;
  /** The event object before encryption. */
  event: unknown;
  responses: DeliveryResponse[];
}

export interface CardActionDelivery {
  eventId: string;
  /** The callback's card token: valid 30 minutes for at most two delayed updates (interactive/v1/card/update). */
  token: string;
  status: number;
  body: unknown;
  responses: DeliveryResponse[];
  /** True when the answer carried `card.type=raw` and it was applied to the message. */
  cardApplied: boolean;
  /** Why a `card.type=raw` answer was refused, if it was. */
  cardError?: CardFailure;
}
