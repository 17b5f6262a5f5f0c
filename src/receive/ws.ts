/** Why: long-connection mode for intranets with no public ingress: the SDK's WSClient feeds the same intake steps and dedupe. */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { sdkLogger } from '../log.ts';
import { HANDLED_EVENT_TYPES } from '../pipeline/events.ts';
import { runSteps, type EventEnvelope, type Intake } from '../pipeline/intake.ts';
import type { WsState } from '../health.ts';

/**
 * The SDK hands handlers `{...header, ...event}`; this rebuilds the envelope our steps expect. For card callbacks the
 * event's own `token` (the card's update token) overwrote the header's verification token in that spread, so it is put
 * back into the event, where the webhook path finds it.
 */
export function envelopeFromFlattened(eventType: string, data: Record<string, unknown>): EventEnvelope {
  const { event_id, token, create_time, app_id, tenant_key, event_type, ...event } = data as Record<string, unknown> & { event_id?: string };
  if (eventType === 'card.action.trigger' && typeof token === 'string') event.token = token;
  const header = { event_id, create_time, app_id, tenant_key, event_type: event_type ?? eventType };
  return {
    kind: 'event',
    eventId: String(event_id ?? ''),
    eventType,
    appId: typeof app_id === 'string' ? app_id : undefined,
    event,
    raw: { schema: '2.0', header, event },
  };
}

export interface WsClientOptions {
  config: Config;
  logger: Logger;
  intake: Intake;
  /** Called once the first connection is up, and after every reconnect. */
  onConnected?: () => void;
  /** Called when the SDK gives up (bad credentials, or reconnects exhausted). */
  onError?: (err: Error) => void;
  /** Every change of the connection's state, for /healthz (main.ts passes app.health.reportWs). */
  onState?: (state: WsState, detail?: string) => void;
}

export interface WsClientHandle {
  client: lark.WSClient;
  close(): void;
}

/** One handler per event type the intake understands; each answer goes back in the SDK's response frame. */
export function wsDispatcher(o: Pick<WsClientOptions, 'config' | 'logger' | 'intake'>): lark.EventDispatcher {
  const handle = (eventType: string) => async (data: Record<string, unknown>) => {
    const envelope = envelopeFromFlattened(eventType, data);
    if (!envelope.eventId) return {};
    if (envelope.appId && envelope.appId !== o.config.appId) return {};
    const answer = await runSteps(o.intake.steps, { source: 'ws', envelope });
    return answer.body;
  };
  const handles = Object.fromEntries(HANDLED_EVENT_TYPES.map((t) => [t, handle(t)]));
  return new lark.EventDispatcher({ logger: sdkLogger(o.logger), loggerLevel: lark.LoggerLevel.warn }).register(handles as never);
}

/**
 * Starts the SDK's WSClient: it asks {domain}/callback/ws/endpoint for a connection URL, keeps the socket alive with
 * pings, merges fragmented events, answers each event in a response frame, and reconnects when the socket drops.
 * The appId must look like cli_ + 16 hex digits, or the SDK silently refuses to start: that is checked here, loudly.
 */
export function startWsClient(o: WsClientOptions): WsClientHandle {
  if (!/^cli_[0-9a-fA-F]{16}$/.test(o.config.appId)) {
    throw new Error(`LARK_APP_ID "${o.config.appId}" is not cli_ followed by 16 hex digits; the SDK's WSClient would refuse it without a word. Copy the App ID from 凭证与基础信息.`);
  }
  const log = o.logger.child({ mod: 'ws' });
  const report = o.onState ?? (() => undefined);
  const client = new lark.WSClient({
    appId: o.config.appId,
    appSecret: o.config.appSecret,
    domain: o.config.domain.replace(/\/+$/, ''),
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.warn,
    onReady: () => {
      log.info('WS long connection ready');
      report('connected');
      o.onConnected?.();
    },
    onReconnected: () => {
      log.info('WS long connection re-established');
      report('connected');
      o.onConnected?.();
    },
    onReconnecting: () => {
      log.warn('WS long connection lost; reconnecting');
      report('reconnecting');
    },
    onError: (err: Error) => {
      log.error({ err }, 'WS long connection gave up; check LARK_APP_ID/LARK_APP_SECRET and that 长连接 is enabled in 事件与回调');
      report('failed', err.message);
      o.onError?.(err);
    },
  } as ConstructorParameters<typeof lark.WSClient>[0]);
  report('connecting');
  void client.start({ eventDispatcher: wsDispatcher(o) });
  log.info('WS long connection starting');
  return {
    client,
    close: () => {
      client.close({ force: true });
      report('closed');
    },
  };
}
