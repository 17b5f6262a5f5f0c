/**
 * Why: the main thread's side of the worker thread: starts it (again ~1 s after it dies), hands it the stored events in
 * stored order with at most MAX_IN_FLIGHT unfinished, waits for card answers, and asks it for its health.
 */
import type { Worker } from 'node:worker_threads';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { FastStore } from '../store/fast.ts';
import { MAX_DEATHS_PER_EVENT, MAX_IN_FLIGHT, RESTART_DELAY_MS, WORKER_SILENT_MS, type FromWorker, type ToWorker } from './protocol.ts';
import { defaultEntry, spawnWorker } from './spawn.ts';

export interface WorkerHostOptions {
  config: Config;
  logger: Logger;
  fast: FastStore;
  /** The module the worker runs (default ./entry.ts from source, ./entry.js from dist); tests pass their own. */
  entry?: URL;
  maxInFlight?: number;
  restartDelayMs?: number;
  silentMs?: number;
}

export type ThreadState = 'starting' | 'ready' | 'restarting' | 'stopped';

export interface ThreadInfo {
  mode: 'worker';
  state: ThreadState;
  /** Milliseconds since the worker last said anything (a beat every BEAT_MS). */
  silentMs: number;
  restarts: number;
  lastExit: string | null;
  /** Handed to the worker, not finished. */
  inFlight: number;
  /** Card callbacks waiting for the worker's answer. */
  cardsWaiting: number;
  /** Events handed to the worker since this process started (webhook mode; in WS mode events arrive on the worker). */
  handedOver: number;
  /** Milliseconds the worker took to load and start (last start). */
  loadMs: number | null;
  /** Milliseconds in the current state. */
  stateMs: number;
  /** Events marked failed because the worker died while working on each of them MAX_DEATHS_PER_EVENT times. */
  poisoned: number;
}

export class WorkerHost {
  private worker: Worker | null = null;
  private stateValue: ThreadState = 'stopped';
  private lastHeard = Date.now();
  private restarts = 0;
  private lastExit: string | null = null;
  private loadMs: number | null = null;
  private readonly inFlight = new Set<string>();
  private cursor = 0;
  private stateAt = Date.now();
  /** Events whose handler is running on the worker, and how often a worker died while each was running. */
  private readonly running = new Set<string>();
  private readonly deaths = new Map<string, number>();
  private poisoned = 0;
  private handedOver = 0;
  private pumpScheduled = false;
  private pumping = false;
  private readonly cards = new Map<string, (body: unknown) => void>();
  private readonly healthWaiters = new Map<number, (report: FromWorker & { type: 'health' }) => void>();
  private seq = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly startedAt = Date.now();
  private botOpenIdValue: string | null = null;
  private workingToastValue: string | null = null;
  private stopping: (() => void) | null = null;

  constructor(private readonly o: WorkerHostOptions) {}

  get state(): ThreadState {
    return this.stateValue;
  }

  private setState(s: ThreadState): void {
    this.stateValue = s;
    this.stateAt = Date.now();
  }

  /** The bot's open_id as the worker learned it (null until it is ready), for dropping the bot's own messages. */
  get botOpenId(): string | null {
    return this.botOpenIdValue;
  }

  /** The "working on it" toast (prompts' card.working) as the worker read it; null before it was ever ready. */
  get workingToast(): string | null {
    return this.workingToastValue;
  }

  start(): void {
    const entry = this.o.entry ?? defaultEntry();
    const w = spawnWorker(entry, { config: this.o.config });
    this.worker = w;
    this.setState('starting');
    this.lastHeard = Date.now();
    this.inFlight.clear();
    this.running.clear();
    this.cursor = 0;
    let failure: string | null = null;
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (err) => {
      failure = `error: ${err.message}`;
      this.o.logger.error({ err }, 'worker thread failed');
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = null;
      if (this.stopping) {
        this.setState('stopped');
        this.stopping();
        return;
      }
      this.lastExit = failure ?? `exit code ${code}`;
      this.setState('restarting');
      void this.countDeaths();
      this.restarts++;
      this.o.logger.error({ code, restarts: this.restarts }, `worker thread ended; starting it again in ${this.o.restartDelayMs ?? RESTART_DELAY_MS} ms (unfinished events are handed over again)`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.start();
      }, this.o.restartDelayMs ?? RESTART_DELAY_MS);
    });
  }

  private onMessage(m: FromWorker): void {
    this.lastHeard = Date.now();
    switch (m.type) {
      case 'ready':
        this.setState('ready');
        this.botOpenIdValue = m.botOpenId;
        this.workingToastValue = m.workingToast;
        this.loadMs = m.loadMs;
        this.o.logger.info({ loadMs: m.loadMs }, 'worker thread ready');
        this.schedulePump();
        return;
      case 'started':
        this.running.add(m.eventId);
        return;
      case 'done':
        this.inFlight.delete(m.eventId);
        this.running.delete(m.eventId);
        this.deaths.delete(m.eventId);
        this.schedulePump();
        return;
      case 'card-answer': {
        const waiter = this.cards.get(m.eventId);
        if (waiter) waiter(m.body);
        this.post({ type: 'verdict', eventId: m.eventId, inline: !!waiter });
        return;
      }
      case 'health':
        this.healthWaiters.get(m.seq)?.(m);
        return;
      default:
        return;
    }
  }

  /** The worker died: each event it was working on counts one death; at MAX_DEATHS_PER_EVENT it is marked failed. */
  private async countDeaths(): Promise<void> {
    const now = new Date();
    const dead = [...this.running];
    this.running.clear();
    for (const eventId of dead) {
      const n = (this.deaths.get(eventId) ?? 0) + 1;
      this.deaths.set(eventId, n);
      if (n < MAX_DEATHS_PER_EVENT) continue;
      this.deaths.delete(eventId);
      this.poisoned++;
      this.o.logger.error({ eventId, deaths: n }, `the worker thread died ${n} times while working on this event; it is marked failed and not worked on again`);
      await this.o.fast.finishEvent(eventId, 'failed', `the worker thread died ${n} times while working on this event`, now).catch((err) => this.o.logger.error({ err, eventId }, 'could not mark the event failed'));
    }
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  /** A new event was stored: hand it (and whatever waits before it) to the worker soon. */
  schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      void this.pump().catch((err) => this.o.logger.error({ err }, 'could not hand stored events to the worker; they wait in the database'));
    });
  }

  private async pump(): Promise<void> {
    // In WS mode the worker's own long connection stores and works on events; nothing is handed over.
    if (this.pumping || this.stateValue !== 'ready' || !this.worker || this.o.config.eventMode !== 'webhook') return;
    this.pumping = true;
    try {
      const max = this.o.maxInFlight ?? MAX_IN_FLIGHT;
      for (;;) {
        const room = max - this.inFlight.size;
        if (room <= 0 || !this.worker || this.stateValue !== 'ready') return;
        // With nothing in flight every unfinished row is ours to send, so read from the start (a row id freed by
        // retention may be reused below the cursor).
        if (this.inFlight.size === 0) this.cursor = 0;
        const rows = await this.o.fast.receivedAfter(this.cursor, Math.min(room, 200));
        for (const event of rows) {
          this.cursor = Math.max(this.cursor, event.seq);
          if (this.inFlight.has(event.eventId)) continue;
          this.inFlight.add(event.eventId);
          this.handedOver++;
          this.post({ type: 'event', event, fresh: event.receivedAt.getTime() >= this.startedAt - 1000 });
        }
        if (rows.length < Math.min(room, 200)) return;
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Waits up to `ms` for the worker's answer to a card callback. Undefined past it: the caller answers with a toast, and
   * the worker, told so by the verdict, delivers its answer later by a delayed card update (Intake.finishLate).
   */
  cardAnswer(eventId: string, ms: number): { answer: Promise<unknown>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<unknown>((resolve) => {
      this.cards.set(eventId, resolve);
      timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    }).finally(() => {
      clearTimeout(timer);
      this.cards.delete(eventId);
    });
    return { answer, cancel: () => this.cards.get(eventId)?.(undefined) };
  }

  /** The worker's own health report, or null when it does not answer within `ms` (or is not running). */
  async health(ms = this.o.silentMs ?? WORKER_SILENT_MS): Promise<(Record<string, unknown> & { reasons: string[] }) | null> {
    if (!this.worker || this.stateValue !== 'ready') return null;
    const seq = ++this.seq;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise((resolve) => {
        this.healthWaiters.set(seq, (m) => resolve(m.report));
        timer = setTimeout(() => resolve(null), ms);
        this.post({ type: 'health', seq });
      });
    } finally {
      clearTimeout(timer);
      this.healthWaiters.delete(seq);
    }
  }

  /** True when the worker has said nothing for longer than the silence limit while it should be beating. */
  get silent(): boolean {
    return this.stateValue === 'ready' && Date.now() - this.lastHeard > (this.o.silentMs ?? WORKER_SILENT_MS);
  }

  info(): ThreadInfo {
    return {
      mode: 'worker',
      state: this.stateValue,
      silentMs: Math.max(0, Date.now() - this.lastHeard),
      restarts: this.restarts,
      lastExit: this.lastExit,
      inFlight: this.inFlight.size,
      cardsWaiting: this.cards.size,
      handedOver: this.handedOver,
      loadMs: this.loadMs,
      stateMs: Math.max(0, Date.now() - this.stateAt),
      poisoned: this.poisoned,
    };
  }

  /** Asks the worker to stop its scheduler, finish what it runs and close; terminates it after `ms`. */
  async stop(ms = 10_000): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const w = this.worker;
    if (!w) {
      this.setState('stopped');
      return;
    }
    const exited = new Promise<void>((resolve) => (this.stopping = resolve));
    this.post({ type: 'stop' });
    const timer = setTimeout(() => void w.terminate(), ms);
    await exited;
    clearTimeout(timer);
  }
}
