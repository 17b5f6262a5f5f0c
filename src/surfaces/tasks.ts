/** Why: keeps Feishu tasks in step with the work (planTasks decides; this loads the state, records each task and writes its outbox rows). */
// Every change to a task goes out as one outbox row keyed task:<id>:r<rev> (create: task:<id>:create), written before
// the row's new state is saved: a crash in between makes the next reconcile plan the same change again under the same
// key, which the outbox ignores. A task's rows share one lane, so Feishu sees create, changes and delete in order.
import { createHash } from 'node:crypto';
import { progress, type Checklist, type ChecklistState } from '../domain/checklist.ts';
import { asLocalDate, toLocalDate, zonedDateTime, type LocalDate } from '../domain/dates.ts';
import { CREATE_FAILED, planTasks, type ExistingTask, type TaskAction, type TaskCampaign, type TaskPlanInput } from '../domain/work-tasks.ts';
import { appTaskDescription, appTaskSummary, botChatLink, inspTaskDescription, inspTaskSummary } from '../cards/surfaces.ts';
import { taskCreateKey } from '../send/ops-task.ts';
import type { SurfaceContent } from '../send/ops-surfaces.ts';
import { tierName } from '../store/cycle.ts';
import { audit } from '../store/audit.ts';
import { inChunks } from '../store/chunks.ts';
import type { Deps } from '../pipeline/context.ts';
import type { SurfacePolicy } from './policy.ts';

/**
 * Outbox lanes for task calls. A lane sends one call at a time, at most 5 a second (the sender's per-chat window), so one
 * lane keeps task v2 at half its documented 10 calls a second: headroom for a call that reaches Feishu late, which
 * Feishu counts when it arrives and the sender counted when it left.
 */
export const TASK_LANES = 1;
const ACTOR = 'system:tasks';

export type TaskScope = { all: true } | { applicationIds: number[] } | { inspectionIds: number[] };
export type TaskCounts = Record<TaskAction['do'], number>;

const baseKey = (key: string) => key.split('#')[0]!;

export class TaskService {
  constructor(private readonly deps: Deps, private readonly checklist: Checklist, private readonly policy: SurfacePolicy) {}

  /** Plans and applies what the scope's tasks need. `allowCreate` false (quiet hours) holds new tasks for later. */
  async reconcile(scope: TaskScope, o: { allowCreate: boolean }): Promise<TaskCounts> {
    const input = await this.load(scope);
    const counts: TaskCounts = { create: 0, update: 0, reopen: 0, complete: 0, delete: 0 };
    for (const a of planTasks(input)) {
      if (a.do === 'create' && !o.allowCreate) continue;
      if (await this.apply(a, input)) counts[a.do]++;
    }
    await this.repair(scope);
    return counts;
  }

  /** The campaign's switch (no row: on). */
  async enabledFor(campaignId: number): Promise<boolean> {
    return (await this.deps.prisma.surfaceSetting.findUnique({ where: { campaignId } }))?.tasksEnabled ?? true;
  }

  /** Turns the campaign's tasks on or off (audited, in one transaction); false when it already was so. */
  async setEnabled(actorId: string, campaignId: number, on: boolean): Promise<boolean> {
    const now = this.deps.clock.now();
    return this.deps.prisma.$transaction(async (tx) => {
      const prior = (await tx.surfaceSetting.findUnique({ where: { campaignId } }))?.tasksEnabled ?? true;
      if (prior === on) return false;
      await tx.surfaceSetting.upsert({ where: { campaignId }, create: { campaignId, tasksEnabled: on, updatedBy: actorId, updatedAt: now }, update: { tasksEnabled: on, updatedBy: actorId, updatedAt: now } });
      await audit(tx, { actorId, action: on ? 'tasks.on' : 'tasks.off', target: `campaign:${campaignId}`, before: { tasksEnabled: prior }, after: { tasksEnabled: on }, at: now });
      // Switching on again is also the way to retry tasks Feishu refused to create (e.g. before the task scope was granted).
      if (on) await tx.workTask.updateMany({ where: { campaignId, closeReason: CREATE_FAILED }, data: { closeReason: 'retry' } });
      return true;
    });
  }

  /** Open tasks with a Feishu link, for reminders to point at instead of listing items: by application, and by inspector + application. */
  async links(applicationIds: number[]): Promise<{ apps: Map<number, string | null>; visits: Map<string, string | null> }> {
    const rows = await inChunks(applicationIds, (ids) => this.deps.prisma.workTask.findMany({ where: { applicationId: { in: ids }, status: 'open', guid: { not: null } }, select: { kind: true, applicationId: true, assigneeOpenId: true, url: true } }));
    const apps = new Map<number, string | null>();
    const visits = new Map<string, string | null>();
    for (const r of rows) {
      if (r.kind === 'application') apps.set(r.applicationId!, r.url);
      else visits.set(`${r.assigneeOpenId}:${r.applicationId}`, r.url);
    }
    return { apps, visits };
  }

  private async load(scope: TaskScope): Promise<TaskPlanInput & { names: Map<number, { name: string; tiers: string[]; ms: Map<string, string> }> }> {
    const p = this.deps.prisma;
    const activeCampaigns = 'all' in scope ? (await p.campaign.findMany({ where: { status: { in: ['OPEN', 'CLOSED'] } }, select: { id: true } })).map((c) => c.id) : [];
    // Every row of the scope's work (the latest decides; a closed one also counts), and any task still open elsewhere.
    const rows = 'all' in scope
      ? await p.workTask.findMany({ where: { OR: [{ campaignId: { in: activeCampaigns } }, { status: 'open' }] }, orderBy: { id: 'asc' } })
      : 'applicationIds' in scope
        ? await inChunks(scope.applicationIds, (ids) => p.workTask.findMany({ where: { applicationId: { in: ids }, kind: 'application' }, orderBy: { id: 'asc' } }))
        : await inChunks(scope.inspectionIds, (ids) => p.workTask.findMany({ where: { inspectionId: { in: ids }, kind: 'inspection' }, orderBy: { id: 'asc' } }));
    rows.sort((a, b) => a.id - b.id);
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) latest.set(baseKey(r.key), r);
    const existing: ExistingTask[] = [...latest.values()].map((r) => ({
      id: r.id, kind: r.kind as ExistingTask['kind'], refId: (r.kind === 'application' ? r.applicationId : r.inspectionId) ?? 0, milestone: r.milestone,
      status: r.status as ExistingTask['status'], closeReason: r.closeReason, detail: JSON.parse(r.detail) as string[], dueOn: r.dueOn ? asLocalDate(r.dueOn) : null,
    }));
    const referenced = (kind: string) => existing.filter((e) => e.kind === kind).map((e) => e.refId);

    const appIds = 'applicationIds' in scope ? scope.applicationIds : referenced('application');
    const appSelect = { id: true, campaignId: true, status: true, managerOpenId: true, unitId: true, tier: true, checklist: true } as const;
    const apps = uniqueById([
      ...(await inChunks(appIds, (ids) => p.application.findMany({ where: { id: { in: ids } }, select: appSelect }))),
      ...('all' in scope ? await p.application.findMany({ where: { campaignId: { in: activeCampaigns }, status: 'DRAFT' }, select: appSelect }) : []),
    ]);
    const inspIds = 'inspectionIds' in scope ? scope.inspectionIds : referenced('inspection');
    const inspSelect = { id: true, applicationId: true, inspectorOpenId: true, status: true, kind: true } as const;
    const insps = 'applicationIds' in scope ? [] : uniqueById([
      ...(await inChunks(inspIds, (ids) => p.inspection.findMany({ where: { id: { in: ids } }, select: inspSelect }))),
      ...('all' in scope ? await p.inspection.findMany({ where: { status: 'ASSIGNED' }, select: inspSelect }) : []),
    ]);
    const inspApps = await inChunks([...new Set(insps.map((i) => i.applicationId))], (ids) => p.application.findMany({ where: { id: { in: ids } }, select: { id: true, campaignId: true, unitId: true, tier: true } }));
    const units = new Map((await inChunks([...new Set([...apps, ...inspApps].map((a) => a.unitId))], (ids) => p.unit.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }))).map((u) => [u.id, u.name]));
    const campaignIds = [...new Set([...apps, ...inspApps].map((a) => a.campaignId))];
    const campaignRows = await p.campaign.findMany({ where: { id: { in: campaignIds } }, include: { milestones: true } });
    const settings = new Map((await p.surfaceSetting.findMany({ where: { campaignId: { in: campaignIds } } })).map((s) => [s.campaignId, s.tasksEnabled]));
    const names = new Map<number, { name: string; tiers: string[]; ms: Map<string, string> }>();
    const campaigns: TaskCampaign[] = campaignRows.map((c) => {
      const tiers = JSON.parse(c.tiers) as string[];
      names.set(c.id, { name: c.name, tiers, ms: new Map(c.milestones.map((m) => [m.key, m.name])) });
      return {
        id: c.id, status: c.status, tasksEnabled: settings.get(c.id) ?? true,
        milestones: c.milestones.map((m) => {
          const t = this.deps.services.cycle.milestones.find((x) => x.id === m.key)?.tiers;
          return { key: m.key, startsOn: asLocalDate(m.startsOn), endsOn: m.endsOn ? asLocalDate(m.endsOn) : null, tiers: t ? tiers.filter((x) => t.includes(x)) : tiers };
        }),
      };
    });
    const appOf = new Map(inspApps.map((a) => [a.id, a]));
    return {
      today: toLocalDate(this.deps.clock.now(), this.deps.config.timezone),
      enabled: this.deps.config.surfaces.tasks,
      applicationMilestones: this.policy.tasks.applicationMilestones,
      inspectionMilestone: this.policy.tasks.inspectionMilestone,
      campaigns,
      applications: apps.map((a) => ({
        id: a.id, campaignId: a.campaignId, status: a.status, managerOpenId: a.managerOpenId, unitName: units.get(a.unitId) ?? '', tier: a.tier,
        missing: progress(this.checklist, safeState(a.checklist)).missing.map((x) => `${x.no}. ${x.item.title}`),
      })),
      inspections: insps.flatMap((i) => {
        const a = appOf.get(i.applicationId);
        return a ? [{ id: i.id, campaignId: a.campaignId, applicationId: a.id, inspectorOpenId: i.inspectorOpenId, status: i.status, unitName: units.get(a.unitId) ?? '', tier: a.tier, kind: i.kind }] : [];
      }),
      existing,
      names,
    };
  }

  /** Carries out one planned action; false when another reconcile already did it. */
  private async apply(a: TaskAction, input: Awaited<ReturnType<TaskService['load']>>): Promise<boolean> {
    const p = this.deps.prisma;
    const now = this.deps.clock.now();
    const m = this.deps.messages;
    const tier = (id: string) => tierName(this.deps.services.cycle, id);
    if (a.do === 'create') {
      const c = input.names.get(a.campaignId);
      const base = a.kind === 'application' ? `app:${a.applicationId}:${a.milestone}` : `insp:${a.inspectionId}`;
      const generation = await p.workTask.count({ where: { key: { startsWith: `${base}#` } } });
      const key = `${base}#${generation + 1}`;
      const milestone = c?.ms.get(a.milestone) ?? a.milestone;
      const text = a.kind === 'application'
        ? { summary: appTaskSummary(m, { unit: a.unitName, tier: tier(a.tier) }), description: appTaskDescription(m, { campaign: c?.name ?? '', milestone, dueOn: a.dueOn, unit: a.unitName, tier: tier(a.tier), missing: a.missing }) }
        : { summary: inspTaskSummary(m, { campaign: '', milestone, dueOn: a.dueOn, unit: a.unitName, tier: tier(a.tier), kind: m.t(`inspection.kind.${a.checkKind}`) }), description: inspTaskDescription(m, { campaign: c?.name ?? '', milestone, dueOn: a.dueOn, unit: a.unitName, tier: tier(a.tier), kind: m.t(`inspection.kind.${a.checkKind}`) }) };
      const clientToken = createHash('sha256').update(`${this.deps.config.appId}:${key}`).digest('hex').slice(0, 40);
      let task;
      try {
        task = await p.workTask.create({ data: {
          key, kind: a.kind, campaignId: a.campaignId, applicationId: a.applicationId, inspectionId: a.kind === 'inspection' ? a.inspectionId : null, milestone: a.milestone,
          assigneeOpenId: a.assignee, clientToken, dueOn: a.dueOn, detail: JSON.stringify(a.kind === 'application' ? a.missing : []), createdAt: now,
        } });
      } catch (err) {
        if ((err as { code?: string }).code === 'P2002') return false;
        throw err;
      }
      await this.enqueue('task.create', task.id, a.assignee, taskCreateKey(task.id), { taskId: task.id, data: this.createBody(text, a.dueOn, a.assignee, clientToken) });
      return true;
    }
    const t = await p.workTask.findUnique({ where: { id: a.taskId } });
    if (!t) return false;
    const next = t.rev + 1;
    const key = `task:${t.id}:r${next}`;
    const c = input.names.get(t.campaignId);
    const dueOn = a.do === 'update' ? a.dueOn : (t.dueOn as LocalDate | null);
    const app = input.applications.find((x) => x.id === t.applicationId);
    const insp = input.inspections.find((x) => x.id === t.inspectionId);
    const milestone = c?.ms.get(t.milestone) ?? t.milestone;
    const description = (missing: string[]) => t.kind === 'inspection'
      ? inspTaskDescription(m, { campaign: c?.name ?? '', milestone, dueOn, unit: insp?.unitName ?? '', tier: tier(insp?.tier ?? ''), kind: m.t(`inspection.kind.${insp?.kind ?? 'onsite'}`) })
      : appTaskDescription(m, { campaign: c?.name ?? '', milestone, dueOn: dueOn ?? '', unit: app?.unitName ?? '', tier: tier(app?.tier ?? ''), missing });
    const from = a.do === 'reopen' ? 'completed' : 'open';
    if (t.status !== from) return false;
    if (a.do === 'delete') await this.enqueue('task.delete', t.id, t.assigneeOpenId, key, { taskId: t.id });
    else if (a.do === 'complete') await this.enqueue('task.patch', t.id, t.assigneeOpenId, key, { taskId: t.id, complete: true, data: { task: { completed_at: String(now.getTime()) }, update_fields: ['completed_at'] } });
    else if (a.do === 'reopen') await this.enqueue('task.patch', t.id, t.assigneeOpenId, key, { taskId: t.id, data: { task: { completed_at: '0', description: description(a.missing) }, update_fields: ['completed_at', 'description'] } });
    else {
      const dueChanged = a.dueOn !== t.dueOn;
      const task = { description: description(a.missing), ...(dueChanged && a.dueOn ? { due: this.due(a.dueOn) } : {}) };
      await this.enqueue('task.patch', t.id, t.assigneeOpenId, key, { taskId: t.id, data: { task, update_fields: dueChanged ? ['description', 'due'] : ['description'] } });
    }
    const data =
      a.do === 'delete' ? { status: 'deleted', closedAt: now, closeReason: a.reason }
      : a.do === 'complete' ? { status: 'completed', closedAt: now, closeReason: a.reason }
      : a.do === 'reopen' ? { status: 'open', closedAt: null, closeReason: null, detail: JSON.stringify(a.missing) }
      : { detail: JSON.stringify(a.missing), dueOn: a.dueOn };
    const res = await p.workTask.updateMany({ where: { id: t.id, rev: t.rev, status: from }, data: { ...data, rev: next } });
    if (res.count === 1 && a.do !== 'update') await audit(p, { actorId: ACTOR, action: `task.${a.do}`, target: `task:${t.id}`, before: { status: t.status }, after: { status: data.status ?? t.status, reason: 'reason' in a ? a.reason : undefined }, at: now });
    return res.count === 1;
  }

  private createBody(text: { summary: string; description: string }, dueOn: LocalDate | null, assignee: string, clientToken: string): Record<string, unknown> {
    const link = botChatLink(this.deps.config.appId, this.deps.config.domain);
    return {
      summary: text.summary,
      description: text.description,
      ...(dueOn ? { due: this.due(dueOn) } : {}),
      members: [{ id: assignee, type: 'user', role: 'assignee' }],
      origin: { platform_i18n_name: { zh_cn: this.deps.messages.t('surfaces.platform') }, href: { url: link, title: this.deps.messages.t('surfaces.open_chat') } },
      client_token: clientToken,
    };
  }

  /** An all-day due date: noon keeps the same calendar date whether Feishu reads the timestamp in UTC or in the tenant's zone. */
  private due(on: LocalDate): { timestamp: string; is_all_day: true } {
    return { timestamp: String(zonedDateTime(on, '12:00', this.deps.config.timezone).getTime()), is_all_day: true };
  }

  private async enqueue<K extends 'task.create' | 'task.patch' | 'task.delete'>(op: K, taskId: number, assignee: string, dedupeKey: string, content: SurfaceContent<K>): Promise<void> {
    await this.deps.sender.enqueue({ op, msgType: 'surface', bucket: `tasks:${taskId % TASK_LANES}`, lane: 'bulk', userId: assignee, content, dedupeKey });
  }

  /**
   * Open tasks without a Feishu guid whose create did not happen: recorded without their create row (a crash right
   * after) are closed and planned afresh next time (a new generation, its own client_token); refused by Feishu for good
   * are closed as create_failed, with the reason in the log and the audit, and not retried in a loop.
   */
  private async repair(scope: TaskScope): Promise<void> {
    const p = this.deps.prisma;
    const mine = (r: { applicationId: number | null; inspectionId: number | null }) =>
      'all' in scope || ('applicationIds' in scope ? scope.applicationIds.includes(r.applicationId ?? -1) : scope.inspectionIds.includes(r.inspectionId ?? -1));
    const orphans = (await p.workTask.findMany({ where: { status: 'open', guid: null }, select: { id: true, applicationId: true, inspectionId: true } })).filter(mine);
    if (!orphans.length) return;
    const rows = new Map((await inChunks(orphans.map((o) => taskCreateKey(o.id)), (keys) => p.outboxMessage.findMany({ where: { dedupeKey: { in: keys } }, select: { dedupeKey: true, status: true, lastError: true } }))).map((r) => [r.dedupeKey, r]));
    const now = this.deps.clock.now();
    for (const o of orphans) {
      const row = rows.get(taskCreateKey(o.id));
      if (row && row.status !== 'failed') continue;
      const reason = row ? CREATE_FAILED : 'gone';
      if (row) this.deps.logger.error({ taskId: o.id, reason: row.lastError }, 'Feishu refused to create a task; it is not retried until /tasks 开启 (check the task:task:write scope and that the assignee is in the app’s availability)');
      else this.deps.logger.warn({ taskId: o.id }, 'task recorded without its create call (a crash in between); it is replaced by a new one');
      const res = await p.workTask.updateMany({ where: { id: o.id, status: 'open', guid: null }, data: { status: 'deleted', closedAt: now, closeReason: reason } });
      if (res.count) await audit(p, { actorId: ACTOR, action: row ? 'task.create_failed' : 'task.replaced', target: `task:${o.id}`, before: { status: 'open' }, after: { status: 'deleted', reason: row?.lastError ?? 'recorded without its create call' }, at: now });
    }
  }
}

function uniqueById<T extends { id: number }>(rows: T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

function safeState(json: string): ChecklistState {
  try {
    return JSON.parse(json) as ChecklistState;
  } catch {
    return {};
  }
}
