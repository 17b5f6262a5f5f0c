/** Why: the one entry to the Feishu work surfaces (tasks, urgent escalation, Base dashboard): hooks for state changes and the periodic tick. */
import type { Checklist } from '../domain/checklist.ts';
import { isQuiet } from '../domain/reminder-time.ts';
import { dashboardCard } from '../cards/surfaces.ts';
import type { Deps } from '../pipeline/context.ts';
import type { SurfacePolicy } from './policy.ts';
import { TaskService } from './tasks.ts';
import { UrgentService } from './urgent.ts';
import { DashboardService } from './dashboard.ts';

export { TaskService, UrgentService, DashboardService };
export type { SurfacePolicy };

/** What reminders need to point at tasks instead of repeating their lists. */
export interface TaskLinks {
  /** Application id → the task's link (null while Feishu has not answered with one). */
  apps: Map<number, string | null>;
  /** `${inspector open_id}:${application id}` → the inspector's task link. */
  visits: Map<string, string | null>;
}

export class Surfaces {
  readonly tasks: TaskService;
  readonly urgent: UrgentService;
  readonly dashboards: DashboardService;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();
  /** What the state looked like when the tick last brought tasks and dashboards in line (null: never, e.g. after a start). */
  private lastPrint: string | null = null;

  constructor(private readonly deps: Deps, checklist: Checklist, readonly policy: SurfacePolicy) {
    this.tasks = new TaskService(deps, checklist, policy);
    this.urgent = new UrgentService(deps, policy);
    this.dashboards = new DashboardService(deps, checklist, policy);
  }

  /** Runs after every earlier surface job of this process (they never overlap), logging instead of failing the caller. */
  private serial(what: string, fn: () => Promise<unknown>): Promise<void> {
    const run = this.chain.then(fn).then(
      () => undefined,
      (err: unknown) => this.deps.logger.error({ err }, `${what} failed; the next tick (every few minutes) tries again`),
    );
    this.chain = run;
    return run;
  }

  /** Hook: an application was created, its checklist changed, or it was submitted. Its task and dashboard rows follow. */
  applicationChanged(applicationId: number): Promise<void> {
    return this.serial('updating the task and dashboard of an application', async () => {
      const { config, prisma } = this.deps;
      if (config.surfaces.tasks) await this.tasks.reconcile({ applicationIds: [applicationId] }, { allowCreate: true });
      const a = await prisma.application.findUnique({ where: { id: applicationId }, select: { campaignId: true } });
      if (a) await this.dashboards.syncCampaigns([a.campaignId], [applicationId]);
    });
  }

  /** Hook: an inspection was assigned or recused. The inspector's task follows. */
  inspectionChanged(inspectionId: number): Promise<void> {
    return this.serial('updating an inspector task', async () => {
      if (this.deps.config.surfaces.tasks) await this.tasks.reconcile({ inspectionIds: [inspectionId] }, { allowCreate: true });
    });
  }

  /** Hook: a campaign's task switch changed (or its status): all tasks are brought in line now. */
  campaignChanged(): Promise<void> {
    return this.serial('updating tasks after a campaign change', async () => {
      if (this.deps.config.surfaces.tasks) await this.tasks.reconcile({ all: true }, { allowCreate: true });
    });
  }

  /**
   * The periodic upkeep (with the reminder tick): every task brought in line (new ones only outside quiet hours), the
   * deadline-day urgent escalation, every dashboard synced, and links sent to whoever waited for a new dashboard.
   */
  tick(): Promise<void> {
    return this.serial('the work-surface tick', async () => {
      const { config, clock } = this.deps;
      const quiet = isQuiet(this.deps.services.reminders.policy.quietHours, clock.now(), config.timezone);
      // Tasks and dashboards are brought in line only when something they depend on changed since the last time.
      const { print, campaigns } = await this.fingerprint(!quiet);
      if (print !== this.lastPrint) {
        if (config.surfaces.tasks) {
          const n = await this.tasks.reconcile({ all: true }, { allowCreate: !quiet });
          if (Object.values(n).some((x) => x > 0)) this.deps.logger.info(n, 'tasks reconciled');
        }
        await this.dashboards.syncCampaigns();
        // The print from before this work: a change made meanwhile is seen next time (this work's own audit rows
        // cost one more, idle, pass).
        this.lastPrint = print;
      }
      await this.urgent.run(campaigns.filter((c) => c.status === 'OPEN'));
      if (this.linksPending) await this.sendLinks();
    });
  }

  /**
   * A cheap summary of everything tasks and dashboards are computed from. Every privileged change writes an audit row
   * (campaigns, reviews, inspections, switches); checklist marks move Application.updatedAt; milestones can be moved;
   * the sender can fail a task create. The date is left out on purpose: a later day never makes a task due that was
   * not already (tasks are created only while the deadline is ahead).
   */
  private async fingerprint(allowCreate: boolean) {
    const p = this.deps.prisma;
    const [audit, apps, campaigns, failed] = await Promise.all([
      p.auditLog.aggregate({ _max: { id: true } }),
      p.application.aggregate({ _count: { _all: true }, _max: { id: true, updatedAt: true } }),
      p.campaign.findMany({ select: { id: true, name: true, status: true, milestones: { select: { key: true, name: true, startsOn: true, endsOn: true }, orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } }),
      p.outboxMessage.count({ where: { op: 'task.create', status: 'failed' } }),
    ]);
    return { print: JSON.stringify([audit._max.id, apps._count._all, apps._max.id, apps._max.updatedAt, campaigns, failed, allowCreate]), campaigns };
  }

  /** True while someone may still be waiting for a dashboard link (always after a start; set again by /dashboard). */
  private linksPending = true;

  /** /dashboard answered "being created": the link goes out once the Base is ready (this tick or `whenReady`). */
  linkAwaited(): void {
    this.linksPending = true;
  }

  /** Sends the dashboard link to everyone who asked while it was being made (once each). */
  async sendLinks(): Promise<number> {
    const waiting = await this.dashboards.pendingLinks();
    if (!waiting.length) this.linksPending = false;
    for (const w of waiting) {
      const d = await this.dashboards.get(w.dashboardId);
      if (!d?.url) continue;
      const region = d.regionId ? (await this.deps.prisma.region.findUnique({ where: { id: d.regionId } }))?.name ?? null : null;
      const card = dashboardCard(this.deps.messages, { name: d.name, url: d.url, ...(await this.dashboards.counts(d.id)), regionName: region });
      await this.deps.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: w.openId, msgType: 'interactive', content: card, dedupeKey: `dash:${d.id}:link:${w.openId}` });
      await this.dashboards.markLinkSent(d.id, w.openId);
    }
    return waiting.length;
  }

  /** Sends the link as soon as the Base's tables exist (an outbox row resolving), instead of waiting for the next tick. */
  whenReady(outboxId: number): void {
    this.linkAwaited();
    const p: Promise<unknown> = this.deps.sender
      .delivered(outboxId)
      .then(() => this.serial('sending a dashboard link', () => this.sendLinks()))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Open tasks with links, for reminders (empty when tasks are off). */
  async taskLinks(applicationIds: number[]): Promise<TaskLinks> {
    if (!this.deps.config.surfaces.tasks) return { apps: new Map(), visits: new Map() };
    return this.tasks.links(applicationIds);
  }

  /** Resolves when no surface job is running or waiting (tests and shutdown). */
  async idle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await this.chain;
      if (!this.pending.size) return;
      await Promise.all([...this.pending]);
    }
  }
}
