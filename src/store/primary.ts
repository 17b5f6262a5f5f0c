/**
 * Why: several instances on PostgreSQL share Feishu's per-app limits and one reminder schedule by electing one primary:
 * the instance holding a session advisory lock on its own connection runs the sender, the scheduler and housekeeping.
 * The others poll (PRIMARY_POLL_MS) and one takes over as soon as the lock frees, i.e. the primary's connection ended.
 */
import pg from 'pg';
import type { Logger } from '../log.ts';
import { lockName, pgTarget } from './pg.ts';

export interface PrimaryHooks {
  /** Became the primary (runs before `isPrimary` reads true to anyone awaiting `start`). */
  gained(): Promise<void>;
  /** Lost the lock (its connection broke): stop the primary's work at once; another instance takes it over. */
  lost(): Promise<void>;
  /** Every poll, primary or not (e.g. to resume events a dead instance left unfinished). */
  poll?(primary: boolean): Promise<void>;
}

export class PrimaryElection {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();
  primary = false;

  constructor(private readonly o: { databaseUrl: string; pollMs: number; logger: Logger; hooks: PrimaryHooks }) {}

  /** Tries once now (so a lone instance is primary when this resolves), then keeps polling. */
  async start(): Promise<void> {
    await this.attempt();
    this.timer = setInterval(() => void this.round(), this.o.pollMs);
    this.timer.unref();
  }

  private round(): Promise<void> {
    this.busy = this.busy.then(async () => {
      if (this.stopped) return;
      await this.attempt();
      await this.o.hooks.poll?.(this.primary).catch((err: unknown) => this.o.logger.warn({ err }, 'primary poll hook failed'));
    });
    return this.busy;
  }

  private async attempt(): Promise<void> {
    if (this.primary || this.stopped) return;
    const t = pgTarget(this.o.databaseUrl);
    const client = new pg.Client({ connectionString: t.connectionString });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [lockName(t.schema, 'primary')]);
      if (!r.rows[0]?.ok) {
        await client.end().catch(() => undefined);
        return;
      }
    } catch (err) {
      this.o.logger.warn({ err }, 'could not reach PostgreSQL to elect the primary; retrying');
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.primary = true;
    client.once('end', () => void this.onLost());
    client.on('error', () => void this.onLost());
    this.o.logger.info('this instance is now the primary: it runs the sender, the reminder scheduler and housekeeping');
    await this.o.hooks.gained().catch((err: unknown) => this.o.logger.error({ err }, 'starting the primary work failed'));
  }

  private async onLost(): Promise<void> {
    if (!this.primary || this.stopped) return;
    this.primary = false;
    this.client = null;
    this.o.logger.error('lost the primary lock (database connection ended); another instance takes over');
    await this.o.hooks.lost().catch(() => undefined);
  }

  /** Stops polling (no more takeovers here), keeping the lock if held: shutdown stops the primary's work first. */
  async halt(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.busy.catch(() => undefined);
  }

  /** Stops polling and releases the lock (ends its connection): a standby takes over within one poll. */
  async stop(): Promise<void> {
    await this.halt();
    const c = this.client;
    this.client = null;
    this.primary = false;
    if (c) await c.end().catch(() => undefined);
  }
}
