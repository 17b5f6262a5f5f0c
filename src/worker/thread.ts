/**
 * Why: the worker thread of the threaded mode: the whole bot (createApp: Prisma, the SDK, handlers, the outbox, cron)
 * works on the events the main thread stored and acknowledged, so no handler can delay an acknowledgement.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { App } from '../app.ts';
import type { Logger } from '../log.ts';
import type { ReceivedEvent } from '../store/fast.ts';
import type { CardResponse } from '../pipeline/context.ts';
import type { InboundCardAction } from '../pipeline/events.ts';
import { BEAT_MS, type FromWorker, type ToWorker, type WorkerData } from './protocol.ts';

export interface WorkerHooks {
  /** Called with the built app before it starts (tests wrap handlers here). */
  onApp?(app: App, logger: Logger): void;
}

/** Builds and starts the bot on this worker thread and serves the main thread's messages until told to stop. */
export async function runWorker(hooks: WorkerHooks = {}): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runWorker() runs on a worker thread (src/worker/host.ts starts it)');
  const began = Date.now();
  const { config } = workerData as WorkerData;
  const send = (m: FromWorker) => port.postMessage(m);
  const beat = setInterval(() => send({ type: 'beat' }), BEAT_MS);

  const [{ createLogger }, { systemClock }, { openDatabase }, { createLarkClient }, { createApp }, { envelopeFromRow, runSteps }] = await Promise.all([
    import('../log.ts'),
    import('../clock.ts'),
    import('../store/db.ts'),
    import('../send/client.ts'),
    import('../app.ts'),
    import('../pipeline/intake.ts'),
  ]);
  const logger = createLogger({ level: config.logLevel, secrets: [config.appSecret, config.encryptKey ?? '', config.verificationToken] }).child({ thread: 'worker' });
  const prisma = await openDatabase(config.databaseUrl);
  const lark = createLarkClient({ appId: config.appId, appSecret: config.appSecret, domain: config.domain, logger });
  const app = createApp({ config, lark, prisma, clock: systemClock, logger });
  hooks.onApp?.(app, logger);
  const { intake } = app;

  // Card answers the main thread has not yet said were used inline: past its budget they go by delayed update.
  const lateCards = new Map<string, { inbound: InboundCardAction; body: CardResponse | undefined; issuedAt: Date }>();
  const settled = new Set<string>();
  intake.onStarted = (eventId) => send({ type: 'started', eventId });
  intake.onSettled = (eventId) => {
    settled.add(eventId);
    send({ type: 'done', eventId });
  };

  const handle = async (e: ReceivedEvent, fresh: boolean): Promise<void> => {
    const item = { source: fresh ? ('handoff' as const) : ('recovery' as const), envelope: envelopeFromRow(e), receivedAt: e.receivedAt };
    try {
      const answer = await runSteps(intake.steps, item);
      const inbound = item as { inbound?: { kind: string } };
      if (fresh && inbound.inbound?.kind === 'card') {
        lateCards.set(e.eventId, { inbound: inbound.inbound as InboundCardAction, body: answer.body as CardResponse | undefined, issuedAt: e.receivedAt });
        send({ type: 'card-answer', eventId: e.eventId, body: answer.body });
      }
    } catch (err) {
      logger.error({ err, eventId: e.eventId }, 'a stored event could not be worked on; it is marked failed');
      await app.deps.fast.finishEvent(e.eventId, 'failed', String((err as Error)?.message ?? err).slice(0, 500), systemClock.now()).catch(() => undefined);
      send({ type: 'done', eventId: e.eventId });
      return;
    }
    // Dropped before its handler (not routed): finished here, so it is not handed over again.
    if (!intake.working.has(e.eventId) && !settled.delete(e.eventId)) {
      await app.deps.fast.finishEvent(e.eventId, 'done', null, systemClock.now()).catch(() => undefined);
      send({ type: 'done', eventId: e.eventId });
    }
  };

  let ws: { close(): void } | null = null;
  const stop = async () => {
    clearInterval(beat);
    ws?.close();
    await app.stop();
    await prisma.$disconnect();
    send({ type: 'stopped' });
    port.close();
  };

  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'event':
        void handle(m.event, m.fresh);
        return;
      case 'verdict': {
        const late = lateCards.get(m.eventId);
        lateCards.delete(m.eventId);
        if (late && !m.inline) {
          void intake.finishLate(late.inbound, late.body, late.issuedAt).catch((err) => logger.error({ err, eventId: m.eventId }, 'could not queue the late answer to a card callback'));
        }
        return;
      }
      case 'health':
        void app.health.check().then(
          (report) => send({ type: 'health', seq: m.seq, report: { ...report, botOpenId: app.botOpenId() } }),
          (err: unknown) => send({ type: 'health', seq: m.seq, report: { reasons: [`the health check failed: ${(err as Error).message}`] } }),
        );
        return;
      case 'stop':
        void stop();
        return;
    }
  });

  // In webhook mode the main thread hands over unfinished events (from ProcessedEvent), so start() does not recover
  // them; in WS mode events arrive here, over the long connection, and start() resumes them as in one-thread mode.
  await app.start({ recover: config.eventMode === 'ws' });
  app.startScheduler();
  if (config.eventMode === 'ws') {
    const { startWsClient } = await import('../receive/ws.ts');
    ws = startWsClient({ config, logger, intake, onState: (state, detail) => app.health.reportWs(state, detail) });
  }
  send({ type: 'ready', botOpenId: app.botOpenId(), loadMs: Date.now() - began, workingToast: app.deps.messages.t('card.working') });
}
