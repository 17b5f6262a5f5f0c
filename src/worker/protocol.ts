/** Why: the messages the acknowledging main thread and the worker thread exchange, typed once for both sides. */
import type { Config } from '../config.ts';
import type { ReceivedEvent } from '../store/fast.ts';

/** What the worker is started with (workerData). */
export interface WorkerData {
  /** The validated config (the worker's logger level and the secrets it redacts come from it too). */
  config: Config;
}

/** Main → worker. */
export type ToWorker =
  /**
   * A stored, acknowledged event, in stored order. `fresh`: acknowledged by this process, so a card callback's answer
   * is awaited by the main thread (handoff); otherwise it was left unfinished by an earlier process (recovery).
   */
  | { type: 'event'; event: ReceivedEvent; fresh: boolean }
  /** For a card answer: whether it reached Feishu inline (true) or must go by delayed update (false, finishLate). */
  | { type: 'verdict'; eventId: string; inline: boolean }
  | { type: 'health'; seq: number }
  | { type: 'stop' };

/** Worker → main. */
export type FromWorker =
  /** `workingToast`: the prompts' card.working, which the main thread (no YAML there) answers past the budget. */
  | { type: 'ready'; botOpenId: string | null; loadMs: number; workingToast: string }
  | { type: 'beat' }
  /** The event's handler started: if the worker dies now, this event may be why. */
  | { type: 'started'; eventId: string }
  /** The event's handler finished (done or failed): it no longer counts as in flight. */
  | { type: 'done'; eventId: string }
  | { type: 'card-answer'; eventId: string; body: unknown }
  | { type: 'health'; seq: number; report: Record<string, unknown> & { reasons: string[] } }
  | { type: 'stopped' };

/** How often the worker says it is alive; /healthz answers 503 after WORKER_SILENT_MS without a word. */
export const BEAT_MS = 500;
export const WORKER_SILENT_MS = 2500;
/** Events handed to the worker and not finished, at most; the rest wait in the database (ProcessedEvent). */
export const MAX_IN_FLIGHT = 1000;
/**
 * An event whose handler was running each time the worker died, this many times, is marked failed and not handed over
 * again, so one poisonous event cannot keep the worker in a restart loop.
 */
export const MAX_DEATHS_PER_EVENT = 3;
/** While the worker loads the bot at start, /healthz answers 200 (events are acknowledged and stored) up to this long. */
export const MAX_LOAD_MS = 60_000;
/** A worker that died is started again after this. */
export const RESTART_DELAY_MS = 1000;
