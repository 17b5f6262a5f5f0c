/** Why: the selection's directory: regional associations (with their bound group chats) and member banks. */
import type { PrismaClient } from './db.ts';
import { audit } from './audit.ts';
import { cleanName } from '../domain/names.ts';

export interface RegionRow {
  id: number;
  name: string;
  chatId: string | null;
}

export class Directory {
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date) {}

  regions(): Promise<RegionRow[]> {
    return this.prisma.region.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, chatId: true } });
  }

  regionByName(name: string): Promise<RegionRow | null> {
    return this.prisma.region.findUnique({ where: { name: cleanName(name) }, select: { id: true, name: true, chatId: true } });
  }

  regionByChat(chatId: string): Promise<RegionRow | null> {
    return this.prisma.region.findFirst({ where: { chatId }, select: { id: true, name: true, chatId: true } });
  }

  async addRegion(actorId: string, name: string): Promise<{ region: RegionRow; created: boolean }> {
    const existing = await this.regionByName(name);
    if (existing) return { region: existing, created: false };
    return this.prisma.$transaction(async (tx) => {
      const r = await tx.region.create({ data: { name: cleanName(name), createdAt: this.now() }, select: { id: true, name: true, chatId: true } });
      await audit(tx, { actorId, action: 'region.add', target: `region:${r.id}`, before: null, after: { name: r.name }, at: this.now() });
      return { region: r, created: true };
    });
  }

  /** Makes `chatId` the region's channel. A group serves one region: binding it elsewhere unbinds it from the old one. */
  async bindChat(actorId: string, regionId: number, chatId: string): Promise<{ before: string | null; movedFrom: string | null }> {
    return this.prisma.$transaction(async (tx) => {
      const region = await tx.region.findUniqueOrThrow({ where: { id: regionId } });
      const other = await tx.region.findFirst({ where: { chatId, id: { not: regionId } } });
      if (other) {
        await tx.region.update({ where: { id: other.id }, data: { chatId: null } });
        await audit(tx, { actorId, action: 'chat.unbind', target: `region:${other.id}`, before: { chatId }, after: { chatId: null }, at: this.now() });
      }
      await tx.region.update({ where: { id: regionId }, data: { chatId } });
      await audit(tx, { actorId, action: 'chat.bind', target: `region:${regionId}`, before: { chatId: region.chatId }, after: { chatId }, at: this.now() });
      return { before: region.chatId, movedFrom: other?.name ?? null };
    });
  }

  banks() {
    return this.prisma.memberUnit.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true } });
  }

  bankByName(name: string) {
    return this.prisma.memberUnit.findUnique({ where: { name: cleanName(name) }, select: { id: true, name: true } });
  }

  async addBank(actorId: string, name: string): Promise<{ bank: { id: number; name: string }; created: boolean }> {
    const existing = await this.bankByName(name);
    if (existing) return { bank: existing, created: false };
    return this.prisma.$transaction(async (tx) => {
      const b = await tx.memberUnit.create({ data: { name: cleanName(name), createdAt: this.now() }, select: { id: true, name: true } });
      await audit(tx, { actorId, action: 'bank.add', target: `bank:${b.id}`, before: null, after: { name: b.name }, at: this.now() });
      return { bank: b, created: true };
    });
  }

  /** Resolves a role's scope name (a region or a bank) to its id. */
  async scopeId(type: 'region' | 'member', name: string): Promise<number | null> {
    const row = type === 'region' ? await this.regionByName(name) : await this.bankByName(name);
    return row?.id ?? null;
  }

  async scopeName(type: '' | 'region' | 'member', id: number): Promise<string> {
    if (type === 'region') return (await this.prisma.region.findUnique({ where: { id } }))?.name ?? `#${id}`;
    if (type === 'member') return (await this.prisma.memberUnit.findUnique({ where: { id } }))?.name ?? `#${id}`;
    return '';
  }
}
