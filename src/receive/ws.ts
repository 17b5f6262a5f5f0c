/** Why: long-connection mode for intranets with no public ingress: the SDK's WSClient feeds the same intake steps and dedupe. */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { sdkLogger } from '../log.ts';
import { runSteps, type EventEnvelope, type Intake } from '../pipeline/intake.ts';

/** The SDK hands handlers `{...header, ...event}`; this rebuilds the envelope our steps expect. */
export function envelopeFromFlattened(eventType: string, data: Record<string, unknown>): EventEnvelope {
  const { event_id, token, create_time, app_id, tenant_key, event_type, ...event } = data as Record<string, unknown> & { event_id?: string };
  const header = { event_id, token, create_time, app_id, tenant_key, event_type: event_type ?? eventType };
  return {
    kind: 'event',
    eventId: String(event_id ?? ''),
    eventType,
    appId: typeof app_id === 'string' ? app_id : undefined,
    event,
    raw: { schema: '2.0', header, event },
  };
}

export function startWsClient(o: { config: Config; logger: Logger; intake: Intake }): { close(): void } {
  const handle = (eventType: string) => async (data: Record<string, unknown>) => {
    const envelope = envelopeFromFlattened(eventType, data);
    if (!envelope.eventId) return {};
    if (envelope.appId && envelope.appId !== o.config.appId) return {};
    const answer = await runSteps(o.intake.steps, { source: 'ws', envelope });
    return answer.body;
  };
  const dispatcher = new lark.EventDispatcher({ logger: sdkLogger(o.logger), loggerLevel: lark.LoggerLevel.warn }).register({
    'im.message.receive_v1': handle('im.message.receive_v1'),
    'card.action.trigger': handle('card.action.trigger'),
  } as never);
  const client = new lark.WSClient({ appId: o.config.appId, appSecret: o.config.appSecret, domain: o.config.domain, logger: sdkLogger(o.logger), loggerLevel: lark.LoggerLevel.warn });
  void client.start({ eventDispatcher: dispatcher });
  o.logger.info('WS long connection started');
  return { close: () => client.close?.() };
}
