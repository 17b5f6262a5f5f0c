/** Why: a campaign's Base (多维表格) dashboard: created once per scope, shared with who asks, and kept in sync from the outbox in batches. */
// Syncing compares each application's row with the hash last queued for it (DashboardRecord.hash) and queues only what
// changed, ≤ batchSize rows per outbox row; identical batches share a dedupe key, so repeating a sync is free. Records
// are created by exactly one outbox row each (see send/ops-bitable.ts), so restarts and redeliveries never duplicate.
import { createHash } from 'node:crypto';
import { progress, type Checklist, type ChecklistState } from '../domain/checklist.ts';
import {
  APPLICATION_COLUMNS, RESULT_COLUMNS, applicationFields, batches, changedRows, resultFields, tableFields,
  type ApplicationColumn, type Fields, type ResultColumn,
} from '../domain/dashboard-rows.ts';
import { baseCreateKey } from '../send/ops-bitable.ts';
import { tierName } from '../store/cycle.ts';
import { audit } from '../store/audit.ts';
import { inChunks, partsOf, ROWS_PER_INSERT } from '../store/chunks.ts';
import type { Deps } from '../pipeline/context.ts';
import type { SurfacePolicy } from './policy.ts';

export type TableKey = 'applications' | 'results';
type Row = { applicationId: number; fields: Fields };

export interface DashboardView {
  id: number;
  campaignId: number;
  regionId: number;
  name: string;
  status: string;
  url: string | null;
}

export class DashboardService {
  constructor(private readonly deps: Deps, private readonly checklist: Checklist, private readonly policy: SurfacePolicy) {}

  private t(key: string, vars?: Record<string, string | number>) {
    return this.deps.messages.t(key, vars);
  }

  private names<C extends string>(columns: readonly C[]): Record<C, string> {
    return Object.fromEntries(columns.map((c) => [c, this.t(`surfaces.dashboard.fields.${c}`)])) as Record<C, string>;
  }

  /**
   * The campaign's dashboard for one scope (regionId 0: national), created on first use (audited): the Base, its two
   * tables, and the blank default table removed, all as outbox rows in one lane. The caller gets view access; a sync follows.
   */
  async open(actorId: string, campaign: { id: number; name: string }, region: { id: number; name: string } | null): Promise<{ dashboard: DashboardView; created: boolean; readyOutboxId: number }> {
    const p = this.deps.prisma;
    const now = this.deps.clock.now();
    const regionId = region?.id ?? 0;
    const name = this.t('surfaces.dashboard.base_name', { campaign: campaign.name, scope: region ? this.t('surfaces.dashboard.scope_region', { region: region.name }) : this.t('surfaces.dashboard.scope_national') });
    let created = false;
    let d = await p.dashboard.findUnique({ where: { campaignId_regionId: { campaignId: campaign.id, regionId } } });
    if (!d) {
      d = await p.$transaction(async (tx) => {
        const existing = await tx.dashboard.findUnique({ where: { campaignId_regionId: { campaignId: campaign.id, regionId } } });
        if (existing) return existing;
        created = true;
        const row = await tx.dashboard.create({ data: { campaignId: campaign.id, regionId, name, createdBy: actorId, createdAt: now } });
        await audit(tx, { actorId, action: 'dashboard.create', target: `dashboard:${row.id}`, before: null, after: { campaignId: campaign.id, regionId, name }, at: now });
        return row;
      });
    }
    const bucket = `base:${d.id}`;
    const send = (op: 'base.create' | 'base.table' | 'base.cleanup' | 'base.share', content: object, dedupeKey: string) => this.deps.sender.enqueue({ op, msgType: 'surface', bucket, lane: 'bulk', content, dedupeKey });
    // Enqueued on every call (each under its own key, so only the first counts): a crash after the dashboard row was
    // written still ends with the Base being made.
    await send('base.create', { dashboardId: d.id, name, timeZone: this.deps.config.timezone }, baseCreateKey(d.id));
    await send('base.table', { dashboardId: d.id, tableKey: 'applications', name: this.t('surfaces.dashboard.applications_table'), fields: tableFields(APPLICATION_COLUMNS, this.names(APPLICATION_COLUMNS)) }, `dash:${d.id}:table:applications`);
    const last = await send('base.table', { dashboardId: d.id, tableKey: 'results', name: this.t('surfaces.dashboard.results_table'), fields: tableFields(RESULT_COLUMNS, this.names(RESULT_COLUMNS)) }, `dash:${d.id}:table:results`);
    await send('base.cleanup', { dashboardId: d.id }, `dash:${d.id}:cleanup`);
    await send('base.share', { dashboardId: d.id, openId: actorId, perm: 'view' }, `dash:${d.id}:share:${actorId}`);
    await p.dashboardViewer.upsert({ where: { dashboardId_openId: { dashboardId: d.id, openId: actorId } }, create: { dashboardId: d.id, openId: actorId, createdAt: now }, update: {} });
    await this.sync(d.id);
    // Answered as it was when asked: a Base still being made when the call came is "being created" (the link follows
    // through whenReady), even if the sender finished it meanwhile; so the answer does not race the sender.
    const fresh = d.status === 'ready' ? await p.dashboard.findUnique({ where: { id: d.id } }) : null;
    return { dashboard: view(fresh ?? d), created, readyOutboxId: last.id };
  }

  async get(id: number): Promise<DashboardView | null> {
    const d = await this.deps.prisma.dashboard.findUnique({ where: { id } });
    return d ? view(d) : null;
  }

  /** How many rows each table of the dashboard holds (what its link card reports). */
  async counts(id: number): Promise<{ applications: number; results: number }> {
    const p = this.deps.prisma;
    const [applications, results] = await Promise.all([p.dashboardRecord.count({ where: { dashboardId: id, tableKey: 'applications' } }), p.dashboardRecord.count({ where: { dashboardId: id, tableKey: 'results' } })]);
    return { applications, results };
  }

  /** Queues what changed in the dashboard's tables (only these applications when given). Returns the rows queued. */
  async sync(dashboardId: number, applicationIds?: number[]): Promise<number> {
    const p = this.deps.prisma;
    const d = await p.dashboard.findUnique({ where: { id: dashboardId } });
    if (!d || d.status === 'failed') return 0;
    const facts = await this.rows(d.campaignId, d.regionId, applicationIds);
    let queued = 0;
    for (const tableKey of ['applications', 'results'] as const) {
      const rows = facts[tableKey];
      if (!rows.length) continue;
      const select = { applicationId: true, hash: true } as const;
      const known = applicationIds
        ? await inChunks(rows.map((r) => r.applicationId), (ids) => p.dashboardRecord.findMany({ where: { dashboardId, tableKey, applicationId: { in: ids } }, select }))
        : await p.dashboardRecord.findMany({ where: { dashboardId, tableKey }, select });
      const last = new Map(known.map((r) => [r.applicationId, r.hash]));
      const changed = changedRows(rows, last);
      for (const batch of batches(changed, this.policy.dashboard.batchSize)) {
        // The key names each row's change (previous → new hash) and the time: a repeat of the same sync is one row, and a
        // value that changes back later is still sent.
        const now = this.deps.clock.now();
        const digest = createHash('sha256').update(batch.map((r) => `${r.applicationId}:${last.get(r.applicationId) ?? ''}>${r.hash}`).join(',')).digest('hex').slice(0, 24);
        await this.deps.sender.enqueue({ op: 'base.records', msgType: 'surface', bucket: `base:${dashboardId}`, lane: 'bulk', content: { dashboardId, tableKey, entries: batch.map((r) => ({ applicationId: r.applicationId, fields: r.fields })) }, dedupeKey: `dash:${dashboardId}:${tableKey}:${digest}:${now.getTime()}` });
        // New rows in a few multi-row inserts; changed ones one by one (few once the first sync is done).
        const fresh = batch.filter((r) => !last.has(r.applicationId));
        const changedOnes = batch.filter((r) => last.has(r.applicationId));
        await p.$transaction([
          ...partsOf(fresh, ROWS_PER_INSERT).map((part) => p.dashboardRecord.createMany({ data: part.map((r) => ({ dashboardId, tableKey, applicationId: r.applicationId, hash: r.hash, updatedAt: now })) })),
          ...changedOnes.map((r) => p.dashboardRecord.update({ where: { dashboardId_tableKey_applicationId: { dashboardId, tableKey, applicationId: r.applicationId } }, data: { hash: r.hash, updatedAt: now } })),
        ]);
        for (const r of batch) last.set(r.applicationId, r.hash);
        queued += batch.length;
      }
    }
    return queued;
  }

  /** Syncs every dashboard of these campaigns (all when not given), for these applications only when given. */
  async syncCampaigns(campaignIds?: number[], applicationIds?: number[]): Promise<number> {
    if (!this.deps.config.surfaces.dashboard) return 0;
    const all = await this.deps.prisma.dashboard.findMany({ where: { ...(campaignIds ? { campaignId: { in: campaignIds } } : {}), status: { not: 'failed' } }, select: { id: true } });
    let n = 0;
    for (const d of all) n += await this.sync(d.id, applicationIds);
    return n;
  }

  /** The rows both tables should hold now, from the database: every application of the scope, and those with results. */
  async rows(campaignId: number, regionId: number, applicationIds?: number[]): Promise<Record<TableKey, Row[]>> {
    const p = this.deps.prisma;
    const units = await p.unit.findMany({ where: regionId ? { regionId } : {}, include: { region: true, memberUnit: true } });
    const unitOf = new Map(units.map((u) => [u.id, u]));
    const select = { id: true, unitId: true, tier: true, status: true, checklist: true } as const;
    const apps = (applicationIds
      ? await inChunks(applicationIds, (ids) => p.application.findMany({ where: { campaignId, id: { in: ids } }, select }))
      : await p.application.findMany({ where: { campaignId }, select, orderBy: { id: 'asc' } })
    ).filter((a) => unitOf.has(a.unitId));
    const inspected = new Set((await inChunks(apps.map((a) => a.id), (ids) => p.inspection.findMany({ where: { applicationId: { in: ids }, status: 'SUBMITTED' }, select: { applicationId: true } }))).map((i) => i.applicationId));
    const { results, cycle } = this.deps.services;
    const tier = (id: string) => tierName(cycle, id);
    const appNames = this.names<ApplicationColumn>(APPLICATION_COLUMNS);
    const resultNames = this.names<ResultColumn>(RESULT_COLUMNS);
    const out: Record<TableKey, Row[]> = { applications: [], results: [] };
    for (const a of apps) {
      const u = unitOf.get(a.unitId)!;
      const r = inspected.has(a.id) ? await results.result(a.id) : null;
      const missing = a.status === 'DRAFT' ? progress(this.checklist, safeState(a.checklist)).missing.map((x) => `${x.no}. ${x.item.title}`) : [];
      out.applications.push({
        applicationId: a.id,
        fields: applicationFields({ applicationId: a.id, unitName: u.name, bankName: u.memberUnit.name, regionName: u.region.name, tierName: tier(a.tier), statusName: this.t(`appstatus.${a.status}`), missing, score: r ? r.sheet.total : null }, appNames),
      });
      if (r) {
        out.results.push({
          applicationId: a.id,
          fields: resultFields({
            applicationId: a.id, unitName: u.name, regionName: u.region.name, tierName: tier(a.tier), total: r.sheet.total,
            verdictName: this.t(r.sheet.passed ? 'surfaces.dashboard.verdict_pass' : 'surfaces.dashboard.verdict_fail'),
            checksName: r.kinds.map((k) => this.t(`inspection.kind.${k}`)).join('、'),
            standingName: this.t(r.complete ? 'surfaces.dashboard.standing_final' : 'surfaces.dashboard.standing_provisional'),
          }, resultNames),
        });
      }
    }
    return out;
  }

  /** Viewers of ready dashboards who have not had the link yet (they asked while it was being created). */
  async pendingLinks(): Promise<Array<{ dashboardId: number; openId: string }>> {
    const rows = await this.deps.prisma.dashboardViewer.findMany({ where: { linkSentAt: null, dashboard: { status: 'ready' } }, select: { dashboardId: true, openId: true } });
    return rows;
  }

  async markLinkSent(dashboardId: number, openId: string): Promise<void> {
    await this.deps.prisma.dashboardViewer.updateMany({ where: { dashboardId, openId, linkSentAt: null }, data: { linkSentAt: this.deps.clock.now() } });
  }
}

function view(d: { id: number; campaignId: number; regionId: number; name: string; status: string; url: string | null }): DashboardView {
  return { id: d.id, campaignId: d.campaignId, regionId: d.regionId, name: d.name, status: d.status, url: d.url };
}

function safeState(json: string): ChecklistState {
  try {
    return JSON.parse(json) as ChecklistState;
  } catch {
    return {};
  }
}
