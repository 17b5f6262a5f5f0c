/**
 * Why: `npm start` in threaded mode: the main thread migrates, opens the hot store, listens at once (acknowledging
 * while the worker thread still loads the bot), then starts the worker; no Prisma, SDK, express or YAML loads here.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { systemClock, type Clock } from '../clock.ts';
import { applyMigrations } from '../store/migrate.ts';
import { FastStore } from '../store/fast.ts';
import { WorkerHost, type WorkerHostOptions } from './host.ts';
import { startEdge, type Edge } from './edge-server.ts';

export interface Threaded {
  url: string;
  host: WorkerHost;
  edge: Edge;
  fast: FastStore;
  stop(): Promise<void>;
}

export interface ThreadedOptions {
  config: Config;
  logger: Logger;
  port?: number;
  listenHost?: string;
  clock?: Clock;
  /** Tests: another worker module, a shorter card budget. */
  entry?: WorkerHostOptions['entry'];
  cardBudgetMs?: number;
}

export async function startThreaded(o: ThreadedOptions): Promise<Threaded> {
  applyMigrations(o.config.databaseUrl);
  // Checkpoints run on the worker's connections: a WAL checkpoint here would hold an acknowledgement.
  const fast = new FastStore(o.config.databaseUrl, { checkpoints: false });
  const host = new WorkerHost({ config: o.config, logger: o.logger, fast, entry: o.entry });
  const edge = await startEdge({ config: o.config, clock: o.clock ?? systemClock, logger: o.logger, fast, host, cardBudgetMs: o.cardBudgetMs }, o.port ?? o.config.port, o.listenHost);
  host.start();
  return {
    url: edge.url,
    host,
    edge,
    fast,
    async stop() {
      await edge.close();
      await host.stop();
      fast.close();
    },
  };
}
