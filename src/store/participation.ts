/**
 * Why: the record of who may still take part in a round: 第十条 terminations (with the reason every later refusal
 * quotes) and the 备案 filings of each region's and bank's plan checklist.
 */
import type { Db, PrismaClient } from './db.ts';
import type { Work } from './atomic.ts';
import type { TerminationFact } from '../domain/decision.ts';
import type { Party, PartyType } from '../domain/participation.ts';
import { toLocalDate } from '../domain/dates.ts';

export interface Filing {
  partyType: PartyType;
  partyId: number;
  itemId: string;
  note: string;
  filedBy: string;
  filedAt: Date;
}

export class ParticipationStore {
  constructor(private readonly prisma: PrismaClient, private readonly timezone: string) {}

  /** The party's name (a region or a bank), or null when there is no such party. */
  async party(db: Db, type: PartyType, id: number): Promise<Party | null> {
    const row = type === 'region' ? await db.region.findUnique({ where: { id } }) : await db.memberUnit.findUnique({ where: { id } });
    return row ? { type, id, name: row.name } : null;
  }

  /** A region or bank by its exact name (regions first). */
  async partyByName(db: Db, name: string): Promise<Party | null> {
    const region = await db.region.findUnique({ where: { name } });
    if (region) return { type: 'region', id: region.id, name: region.name };
    const bank = await db.memberUnit.findUnique({ where: { name } });
    return bank ? { type: 'member', id: bank.id, name: bank.name } : null;
  }

  /** The party's unlifted termination in this campaign, as transition functions read it. */
  async terminationOf(db: Db, campaignId: number, type: PartyType, id: number): Promise<(TerminationFact & { id: number }) | null> {
    const row = await db.termination.findFirst({ where: { campaignId, partyType: type, partyId: id, liftedAt: null }, orderBy: { id: 'desc' } });
    if (!row) return null;
    const party = await this.party(db, type, id);
    return { id: row.id, party: type, name: party?.name ?? `#${id}`, reason: row.reason, on: toLocalDate(row.at, this.timezone) };
  }

  /** Both parties a unit depends on. */
  async terminationsFor(db: Db, campaignId: number, unit: { regionId: number; bankId: number }): Promise<{ region: TerminationFact | null; bank: TerminationFact | null }> {
    return { region: await this.terminationOf(db, campaignId, 'region', unit.regionId), bank: await this.terminationOf(db, campaignId, 'member', unit.bankId) };
  }

  /** Every unlifted termination of a campaign. */
  async activeTerminations(db: Db, campaignId: number) {
    return db.termination.findMany({ where: { campaignId, liftedAt: null }, orderBy: { id: 'asc' } });
  }

  async terminate(w: Work, actorId: string, campaignId: number, party: Party, reason: string): Promise<void> {
    const row = await w.tx.termination.create({ data: { campaignId, partyType: party.type, partyId: party.id, reason, by: actorId, at: w.now } });
    await w.audit(actorId, 'participation.terminate', `${party.type}:${party.id}`, null, { campaignId, terminationId: row.id, party: party.name, reason });
  }

  async reinstate(w: Work, actorId: string, campaignId: number, party: Party): Promise<void> {
    const rows = await w.tx.termination.findMany({ where: { campaignId, partyType: party.type, partyId: party.id, liftedAt: null } });
    await w.tx.termination.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { liftedAt: w.now, liftedBy: actorId } });
    await w.audit(actorId, 'participation.reinstate', `${party.type}:${party.id}`, { terminated: rows.map((r) => ({ id: r.id, reason: r.reason })) }, { campaignId, party: party.name });
  }

  async filings(db: Db, campaignId: number): Promise<Filing[]> {
    const rows = await db.planFiling.findMany({ where: { campaignId }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ partyType: r.partyType as PartyType, partyId: r.partyId, itemId: r.itemId, note: r.note, filedBy: r.filedBy, filedAt: r.filedAt }));
  }

  async filing(db: Db, campaignId: number, party: Pick<Party, 'type' | 'id'>, itemId: string): Promise<Filing | null> {
    const r = await db.planFiling.findUnique({ where: { campaignId_partyType_partyId_itemId: { campaignId, partyType: party.type, partyId: party.id, itemId } } });
    return r ? { partyType: r.partyType as PartyType, partyId: r.partyId, itemId: r.itemId, note: r.note, filedBy: r.filedBy, filedAt: r.filedAt } : null;
  }

  async file(w: Work, actorId: string, campaignId: number, party: Party, itemId: string, note: string, before: string | null): Promise<void> {
    const where = { campaignId_partyType_partyId_itemId: { campaignId, partyType: party.type, partyId: party.id, itemId } };
    const data = { note, filedBy: actorId, filedAt: w.now };
    await w.tx.planFiling.upsert({ where, create: { campaignId, partyType: party.type, partyId: party.id, itemId, ...data }, update: data });
    await w.audit(actorId, 'plan.file', `${party.type}:${party.id}`, before === null ? null : { itemId, note: before }, { campaignId, itemId, note });
  }
}
