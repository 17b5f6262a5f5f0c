/**
 * Why: 复选 (第九条（四）) is one row per unit of the published list: its bank confirms or flags it, the secretariat keeps
 * or drops it. These read and write those rows, and gather the facts src/domain/results-round.ts decides on.
 */
import type { Db } from './db.ts';
import type { Work } from './atomic.ts';
import type { PublishedList, ResultStore } from './results.ts';
import type { RecheckStatus, RoundFacts } from '../domain/results-round.ts';
import type { CampaignStatus } from '../domain/campaign.ts';
import { asLocalDate, type LocalDate } from '../domain/dates.ts';

export interface RecheckRow {
  id: number;
  campaignId: number;
  applicationId: number;
  regionId: number;
  bankId: number;
  unitName: string;
  status: RecheckStatus;
  bankReason: string | null;
  reason: string | null;
}

const view = (r: { id: number; campaignId: number; applicationId: number; regionId: number; bankId: number; unitName: string; status: string; bankReason: string | null; reason: string | null }): RecheckRow => ({
  id: r.id, campaignId: r.campaignId, applicationId: r.applicationId, regionId: r.regionId, bankId: r.bankId, unitName: r.unitName, status: r.status as RecheckStatus, bankReason: r.bankReason, reason: r.reason,
});

export async function recheckItems(db: Db, campaignId: number): Promise<RecheckRow[]> {
  return (await db.recheckItem.findMany({ where: { campaignId }, orderBy: { id: 'asc' } })).map(view);
}

export async function recheckItem(db: Db, id: number): Promise<RecheckRow | null> {
  const r = await db.recheckItem.findUnique({ where: { id } });
  return r ? view(r) : null;
}

/** Everything decideRound needs about a campaign's round, read through `db`. */
export async function roundFacts(db: Db, results: ResultStore, campaignId: number, today: LocalDate, recheckRequired: boolean) {
  const campaign = await db.campaign.findUniqueOrThrow({ where: { id: campaignId } });
  const round = await results.round(campaignId, db);
  const pending = await db.recheckItem.count({ where: { campaignId, status: 'PENDING' } });
  const flagged = await db.recheckItem.count({ where: { campaignId, status: 'FLAGGED' } });
  const facts: RoundFacts = {
    campaignStatus: campaign.status as CampaignStatus,
    published: !!round.publishedAt,
    publicityEndsOn: round.publicityEndsOn ? asLocalDate(round.publicityEndsOn) : null,
    recheckStarted: !!round.recheckStartedAt,
    announced: !!round.announcedAt,
    today,
    recheckRequired,
    recheckOpen: { pending, flagged },
  };
  return { facts, round };
}

/** Starts 复选: the round is stamped and every published unit gets its item (with its bank, read from the database). */
export async function startRecheckIn(w: Work, actorId: string, campaignId: number, list: PublishedList): Promise<RecheckRow[]> {
  await w.tx.resultRound.update({ where: { campaignId }, data: { recheckStartedAt: w.now, recheckStartedBy: actorId } });
  for (const g of list) {
    for (const u of g.units) {
      const app = await w.tx.application.findUnique({ where: { id: u.applicationId } });
      const unit = app && (await w.tx.unit.findUnique({ where: { id: app.unitId } }));
      if (!unit) continue;
      await w.tx.recheckItem.create({ data: { campaignId, applicationId: u.applicationId, regionId: g.regionId, bankId: unit.memberUnitId, unitName: unit.name, updatedAt: w.now } });
    }
  }
  const items = await recheckItems(w.tx, campaignId);
  await w.audit(actorId, 'results.recheck', `campaign:${campaignId}`, null, { items: items.length });
  return items;
}

/** Writes one 复选 answer (the bank's) or decision (the secretariat's), audited. */
export async function setRecheckIn(w: Work, actorId: string, item: RecheckRow, to: RecheckStatus, action: string, by: 'bank' | 'secretariat', reason: string | null): Promise<void> {
  const data = by === 'bank' ? { status: to, bankBy: actorId, bankReason: reason, updatedAt: w.now } : { status: to, decidedBy: actorId, reason, updatedAt: w.now };
  await w.tx.recheckItem.update({ where: { id: item.id }, data });
  await w.audit(actorId, action, `recheck:${item.id}`, { status: item.status }, { status: to, applicationId: item.applicationId, ...(reason ? { reason } : {}) });
}
