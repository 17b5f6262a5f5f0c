/**
 * Why: /healthz must tell the truth. It answers 503, naming each reason, when the database takes no write (a real
 * heartbeat write, plus the file itself), when the last sends to Feishu all failed, when a lane's oldest unsent
 * message is older than its threshold, or when the WS long connection is down; 200 otherwise, with the backlog.
 */
import type { Config } from './config.ts';
import type { Clock } from './clock.ts';
import type { PrismaClient } from './store/db.ts';
import { databaseHealth, sqliteFileIdentity, sqliteFileProblem } from './store/db.ts';
import type { Sender } from './send/sender.ts';
import { LANES, type Lane } from './send/lanes.ts';
import type { LaneStats } from './send/backlog.ts';
import type { Intake } from './pipeline/intake.ts';

/** The WS long connection as the SDK's WSClient reports it (onReady, onReconnecting, onReconnected, onError). */
export type WsState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** The heartbeat write must finish within this, or the database counts as not writable (e.g. a lock held elsewhere). */
export const DB_WRITE_DEADLINE_MS = 2000;

export interface HealthOptions {
  config: Config;
  prisma: PrismaClient;
  clock: Clock;
  sender: Sender;
  intake: Intake;
}

export interface HealthReport {
  status: 'ok' | 'unhealthy';
  /** Why the answer is 503, one sentence each (empty when healthy). */
  reasons: string[];
  db: { ok: boolean; journalMode?: string; error?: string };
  outbox: {
    pending: Record<Lane, number>;
    /** Seconds the oldest unsent row of each lane has waited (null when none). */
    oldestAgeSeconds: Record<Lane, number | null>;
    /** Attempts in a row that failed (rate limits excluded), and the last reason. */
    consecutiveFailures: number;
    lastError: string | null;
    lastSentAt: string | null;
    sent: number;
    rateLimited: number;
    retried: number;
    failed: number;
    lanes: Record<Lane, LaneStats>;
  };
  events: {
    /** Acknowledged and stored, not finished yet (database). */
    received: number;
    /** Queued or running in this process. */
    working: number;
    /** Requests read and being acknowledged right now. */
    acking: number;
  };
  ws: { state: WsState; since: string; detail: string | null } | null;
  sandbox: boolean;
}

export class Health {
  private ws: { state: WsState; since: Date; detail: string | null } | null;
  private readonly file: { path: string; ino: number | null };

  constructor(private readonly o: HealthOptions) {
    this.ws = o.config.eventMode === 'ws' ? { state: 'connecting', since: o.clock.now(), detail: null } : null;
    // PostgreSQL has no file of ours to watch: the heartbeat write is the whole check.
    this.file = o.config.databaseUrl.startsWith('file:') ? sqliteFileIdentity(o.config.databaseUrl) : { path: ':memory:', ino: null };
  }

  /** The WS connection's state as last reported (null in webhook mode). */
  get wsState(): WsState | null {
    return this.ws?.state ?? null;
  }

  /** The hook the WS client reports to (src/receive/ws.ts wires the SDK's callbacks to it). */
  reportWs(state: WsState, detail?: string): void {
    if (this.ws?.state === state && !detail) return;
    this.ws = { state, since: this.o.clock.now(), detail: detail ?? null };
  }

  async check(): Promise<HealthReport> {
    const { config, clock, sender, intake } = this.o;
    const reasons: string[] = [];
    const db = await this.database();
    if (!db.ok) reasons.push(`the database cannot be written: ${db.error}`);

    const now = clock.now().getTime();
    const pending: Record<Lane, number> = { fast: 0, bulk: 0 };
    const oldest: Record<Lane, number | null> = { fast: null, bulk: null };
    let received = 0;
    try {
      const groups = await this.o.prisma.outboxMessage.groupBy({ by: ['lane'], where: { status: { in: ['pending', 'sending'] } }, _count: { _all: true }, _min: { createdAt: true } });
      for (const g of groups) {
        const lane: Lane = g.lane === 'bulk' ? 'bulk' : 'fast';
        pending[lane] += g._count._all;
        const age = g._min.createdAt ? Math.max(0, Math.round((now - g._min.createdAt.getTime()) / 1000)) : null;
        if (age !== null) oldest[lane] = Math.max(oldest[lane] ?? 0, age);
      }
      received = await this.o.prisma.processedEvent.count({ where: { status: 'received' } });
    } catch (err) {
      if (db.ok) reasons.push(`the database cannot be read: ${(err as Error).message}`);
    }
    const limits: Record<Lane, number> = { fast: config.health.fastMaxAgeSeconds, bulk: config.health.bulkMaxAgeSeconds };
    const laneName: Record<Lane, string> = { fast: 'reply', bulk: 'fan-out' };
    for (const lane of LANES) {
      const age = oldest[lane];
      if (age !== null && age > limits[lane]) reasons.push(`the oldest unsent ${laneName[lane]} message (${lane} lane) has waited ${age} s, over ${limits[lane]} s`);
    }

    const streak = sender.streak;
    if (streak.failures >= config.health.sendFailures) {
      reasons.push(`the last ${streak.failures} attempts to send to Feishu failed (threshold ${config.health.sendFailures}); the last: ${streak.lastError}`);
    }
    if (this.ws && this.ws.state !== 'connected') {
      reasons.push(`the WS long connection is ${this.ws.state} since ${this.ws.since.toISOString()}${this.ws.detail ? `: ${this.ws.detail}` : ''}`);
    }

    return {
      status: reasons.length ? 'unhealthy' : 'ok',
      reasons,
      db,
      outbox: {
        pending,
        oldestAgeSeconds: oldest,
        consecutiveFailures: streak.failures,
        lastError: streak.lastError,
        lastSentAt: streak.lastOkAt?.toISOString() ?? null,
        ...sender.stats,
        lanes: sender.laneStats,
      },
      events: { received, working: intake.queue.size, acking: intake.acks.inFlight },
      ws: this.ws ? { state: this.ws.state, since: this.ws.since.toISOString(), detail: this.ws.detail } : null,
      sandbox: config.sandbox,
    };
  }

  /** A real write (the heartbeat row), within DB_WRITE_DEADLINE_MS, and a look at the file under the connection. */
  private async database(): Promise<HealthReport['db']> {
    const at = this.o.clock.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const write = this.o.prisma.heartbeat.upsert({ where: { id: 1 }, create: { id: 1, at, beats: 1 }, update: { at, beats: { increment: 1 } } });
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the heartbeat write took over ${DB_WRITE_DEADLINE_MS} ms (is another process holding a lock on the file?)`)), DB_WRITE_DEADLINE_MS);
      });
      await Promise.race([write, late]);
    } catch (err) {
      const last = (err as Error).message.split('\n').filter(Boolean).slice(-1)[0] ?? String(err);
      return { ok: false, error: `${last} (check that the database file, its -wal file and its folder are writable and the disk is not full)` };
    } finally {
      clearTimeout(timer);
    }
    const problem = sqliteFileProblem(this.file);
    if (problem) return { ok: false, error: problem };
    const mode = await databaseHealth(this.o.prisma);
    return mode.ok ? { ok: true, journalMode: mode.journalMode } : { ok: false, error: mode.error };
  }
}
