/** Why: the one factory that wires the bot together; the server, the cron jobs and the tests all build the bot through it. */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { Config } from './config.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './log.ts';
import type { PrismaClient } from './store/db.ts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { openHotStore } from './store/hot.ts';
import { PgHotStore } from './store/hot-pg.ts';
import { lockName, pgTarget } from './store/pg.ts';
import { dialectOfUrl } from './store/db.ts';
import { PrimaryElection } from './store/primary.ts';
import { fetchBotInfo, type LarkClient } from './send/client.ts';
import { Sender } from './send/sender.ts';
import type { Pace } from './send/limiter.ts';
import { RateLimiter, FEISHU_LIMITS } from './send/limiter.ts';
import { loadMessages, type Messages } from './prompts/index.ts';
import { Router } from './pipeline/router.ts';
import { Intake } from './pipeline/intake.ts';
import type { Deps, Services } from './pipeline/context.ts';
import { RoleService } from './store/roles.ts';
import { CampaignStore } from './store/campaigns.ts';
import { Directory } from './store/directory.ts';
import { loadCycleFile } from './store/cycle.ts';
import { ApplyFlow } from './flows/apply/flow.ts';
import { ApplicationFlowServices, loadChecklistFile } from './flows/apply/services.ts';
import type { Checklist } from './domain/checklist.ts';
import type { CycleTemplate } from './domain/calendar.ts';
import { serverOptions, webhookRouter } from './receive/webhook.ts';
import { Health } from './health.ts';
import { Retention } from './store/retention.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { checklistMissing, defaultSources, type MissingItems, type ReminderSources } from './scheduler/sources.ts';
import { loadReminderPolicyFile } from './scheduler/policy-file.ts';
import type { ReminderPolicy } from './domain/reminder-policy.ts';
import { InspectionStore } from './store/inspections.ts';
import { ResultStore } from './store/results.ts';
import { loadRubrics, type RubricSet } from './store/rubrics.ts';
import { buildFeatures } from './features.ts';
import { RulesService, type RulesSource } from './rules/service.ts';
import { Surfaces } from './surfaces/index.ts';
import { loadSurfacePolicyFile, type SurfacePolicy } from './surfaces/policy.ts';
import { Atomic } from './store/atomic.ts';
import { ParticipationStore } from './store/participation.ts';
import { loadPlansFile, loadProcessFile } from './store/process.ts';
import type { PlanChecklist, ProcessRules } from './domain/process-rules.ts';

export interface AppOptions {
  config: Config;
  lark: LarkClient;
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  /** Pacing for the sender (real time by default; tests pass virtual time). */
  pace?: Pace;
  messages?: Messages;
  cycle?: CycleTemplate;
  checklist?: Checklist;
  senderConcurrency?: number;
  /** Inspection score sheets (default: prompts/zh-CN/rubrics/*.yaml, validated here). */
  rubrics?: RubricSet;
  /** The reminder policy (default: prompts/zh-CN/reminders.yaml, validated here). */
  reminderPolicy?: ReminderPolicy;
  /** Data other features supply to reminders: applications' missing items, inspectors' schedules. */
  reminderSources?: Partial<ReminderSources> & { missingItems?: MissingItems };
  /** The 管理办法 corpus, table and index (default: prompts/zh-CN/rules/, checked and indexed here). */
  rulesSource?: RulesSource;
  /** Tasks, urgent escalation and dashboard rules (default: prompts/zh-CN/surfaces.yaml, validated here). */
  surfacePolicy?: SurfacePolicy;
  /** Our readings of the 管理办法 and per-person limits (default: prompts/zh-CN/process.yaml, validated here). */
  process?: ProcessRules;
  /** The 备案 checklist (default: prompts/zh-CN/plans.yaml). */
  plans?: PlanChecklist;
}

export interface App {
  deps: Deps;
  http: express.Express;
  sender: Sender;
  intake: Intake;
  router: Router;
  /** Deadline reminders. main.ts calls scheduler.start() (cron); tests and the sandbox call scheduler.tick(). */
  scheduler: Scheduler;
  /** What /healthz answers; the WS client reports its connection state to it (health.reportWs). */
  health: Health;
  /** Prunes old processed events and finished outbox rows (run on the scheduler's housekeeping tick). */
  retention: Retention;
  /**
   * Learns the bot's identity, resumes unfinished events (unless `recover: false`: the threaded mode's main thread hands
   * them over) and the outbox (on PostgreSQL: joins the primary election).
   */
  start(opts?: { recover?: boolean }): Promise<void>;
  /**
   * Runs reminder ticks on their cron schedule: at once on SQLite; on PostgreSQL on whichever instance is the primary
   * (main.ts calls it; tests call scheduler.tick()).
   */
  startScheduler(): void;
  /** This instance runs the sender, the scheduler and housekeeping (always on SQLite; the elected one on PostgreSQL). */
  isPrimary(): boolean;
  /** The bot's open_id once start() has learned it. */
  botOpenId(): string | null;
  listen(port: number, host?: string): Promise<{ server: Server; url: string }>;
  /** Waits until every queued event and outbound message is finished (tests, shutdown). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** An event left unfinished this long on PostgreSQL is resumed by another instance (its own may have died). */
export const STALE_EVENT_MS = 30_000;

export function createApp(o: AppOptions): App {
  const messages = o.messages ?? loadMessages();
  let botOpenId: string | null = null;
  const dialect = dialectOfUrl(o.config.databaseUrl);
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const fast = openHotStore(o.config.databaseUrl, instanceId);
  const pgHot = fast instanceof PgHotStore ? fast : null;
  const sender = new Sender({
    prisma: o.prisma,
    fast,
    lark: o.lark,
    logger: o.logger.child({ mod: 'sender' }),
    clock: o.clock,
    pace: o.pace,
    limiter: new RateLimiter(FEISHU_LIMITS),
    concurrency: o.senderConcurrency,
    watchMs: o.config.multi.outboxPollMs,
  });
  const now = () => o.clock.now();
  const cycle = o.cycle ?? loadCycleFile();
  const checklist = o.checklist ?? loadChecklistFile();
  // Reminders list what each application lacks as the checklist computes it, unless the caller plugs in another source.
  const retention = new Retention({ prisma: o.prisma, clock: o.clock, logger: o.logger.child({ mod: 'retention' }), outboxRetentionDays: o.config.outboxRetentionDays });
  const reminderSources = defaultSources(o.prisma, { missingItems: checklistMissing(o.prisma, checklist), ...o.reminderSources });
  const reminderPolicy = o.reminderPolicy ?? loadReminderPolicyFile(cycle);
  const scheduler = new Scheduler({
    prisma: o.prisma,
    sender,
    clock: o.clock,
    logger: o.logger,
    messages,
    timezone: o.config.timezone,
    cycle,
    policy: reminderPolicy,
    sources: reminderSources,
    // Idle application dialogs end with a friendly note on the same clock as reminders (cron, or the sandbox's jumps),
    // old processed events and sent messages are pruned, and the work surfaces (tasks, urgent escalation, dashboards)
    // keep up. Each job runs even if another fails.
    housekeeping: async () => {
      let failure: unknown;
      for (const job of [() => services.surfaces.tick(), () => services.apply.flow.sweep(), () => retention.prune()]) await job().catch((err: unknown) => (failure ??= err));
      if (failure) throw failure;
    },
    taskLinks: (ids) => services.surfaces.taskLinks(ids),
    exclusive: pgHot ? (fn) => pgHot.withLock(lockName(pgTarget(o.config.databaseUrl).schema, 'scheduler'), fn) : undefined,
  });
  const rubrics = o.rubrics ?? loadRubrics();
  const inspections = new InspectionStore(o.prisma, now);
  const services: Services = {
    roles: new RoleService(o.prisma, now),
    campaigns: new CampaignStore(o.prisma, now),
    directory: new Directory(o.prisma, now),
    cycle,
    reminders: scheduler,
    reminderSources,
    apply: undefined as unknown as Services['apply'],
    rubrics,
    inspections,
    results: new ResultStore(o.prisma, now, rubrics, inspections),
    rules: new RulesService(o.prisma, now, o.rulesSource),
    surfaces: undefined as unknown as Services['surfaces'],
    process: o.process ?? loadProcessFile(cycle),
    plans: o.plans ?? loadPlansFile(),
    participation: new ParticipationStore(o.prisma, o.config.timezone),
  };
  const atomic = new Atomic({ prisma: o.prisma, sender, logger: o.logger, clock: o.clock });
  const deps: Deps = { config: o.config, prisma: o.prisma, fast, sender, atomic, clock: o.clock, logger: o.logger, messages, lark: o.lark, botOpenId: () => botOpenId, services };
  const applyServices = new ApplicationFlowServices(deps, checklist);
  services.apply = { flow: new ApplyFlow(deps, applyServices), app: applyServices };
  services.surfaces = new Surfaces(deps, checklist, o.surfacePolicy ?? loadSurfacePolicyFile({ cycle, reminders: reminderPolicy }));
  const router = new Router(deps, buildFeatures(deps));
  const intake = new Intake(deps, router);

  const http = express();
  http.disable('x-powered-by');
  const health = new Health({ config: o.config, prisma: o.prisma, clock: o.clock, sender, intake });
  http.get('/healthz', async (_req, res) => {
    const report = await health.check();
    res.status(report.reasons.length ? 503 : 200).json({ ...report, botOpenId, database: dialect, primary: !election || election.primary, instance: instanceId });
  });
  http.use(webhookRouter({ config: o.config, clock: o.clock, logger: o.logger, intake }));

  // PostgreSQL: one elected primary sends (Feishu's limits are per app), ticks reminders and does housekeeping; every
  // instance receives events. The primary also looks for outbox rows other instances wrote (OUTBOX_POLL_MS), and any
  // instance resumes events a dead instance left unfinished for STALE_EVENT_MS.
  let cronWanted = false;
  let outboxPoll: NodeJS.Timeout | null = null;
  let staleRound: Promise<unknown> = Promise.resolve();
  const election = pgHot
    ? new PrimaryElection({
        databaseUrl: o.config.databaseUrl,
        pollMs: o.config.multi.primaryPollMs,
        logger: o.logger.child({ mod: 'primary' }),
        hooks: {
          async gained() {
            await pgHot.adoptClaims();
            sender.start();
            outboxPoll = setInterval(() => sender.kick(), o.config.multi.outboxPollMs);
            outboxPoll.unref();
            if (cronWanted) scheduler.start();
          },
          async lost() {
            if (outboxPoll) clearInterval(outboxPoll);
            outboxPoll = null;
            await scheduler.stop();
            await sender.stop();
          },
          async poll() {
            staleRound = staleRound.then(() => intake.resumeStale(STALE_EVENT_MS)).catch((err: unknown) => o.logger.warn({ err }, 'could not resume stale events'));
            await staleRound;
          },
        },
      })
    : null;

  let server: Server | null = null;
  return {
    deps,
    http,
    sender,
    intake,
    router,
    scheduler,
    health,
    retention,
    botOpenId: () => botOpenId,
    async start(opts = {}) {
      try {
        botOpenId = (await fetchBotInfo(o.lark))?.openId ?? null;
      } catch (err) {
        o.logger.warn({ err }, 'could not read the bot identity (GET /open-apis/bot/v3/info); group @-mentions of anyone will count as @bot until it is known');
      }
      await services.roles.seedSecretariat(o.config.secretariatOpenIds);
      if (election) await election.start();
      else sender.start();
      if (opts.recover === false) return;
      const resumed = await intake.recover();
      if (resumed) o.logger.info({ resumed }, 'resumed events acknowledged before a restart');
    },
    startScheduler() {
      cronWanted = true;
      if (!election || election.primary) scheduler.start();
    },
    isPrimary: () => !election || election.primary,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        const s = createServer(serverOptions(o.config), http);
        s.listen(port, host, () => {
          server = s;
          const addr = s.address();
          const p = typeof addr === 'object' && addr ? addr.port : port;
          resolve({ server: s, url: `http://127.0.0.1:${p}` });
        });
        s.once('error', reject);
      });
    },
    async settle() {
      for (let i = 0; i < 50; i++) {
        await intake.queue.drained();
        await services.surfaces.idle();
        await sender.idle();
        if (intake.queue.size === 0) return;
      }
    },
    async stop() {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      // The primary's work stops before its lock is released, so a standby taking over never sends beside it.
      await election?.halt();
      if (outboxPoll) clearInterval(outboxPoll);
      await scheduler.stop();
      await intake.queue.drained();
      await staleRound;
      await sender.stop();
      await election?.stop();
      await fast.close();
    },
  };
}
