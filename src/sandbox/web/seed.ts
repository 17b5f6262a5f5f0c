/** Why: the sandbox must open on a believable, clearly fictional directory; this seeds it through the real stores, audited. */
import { z } from 'zod';
import { readPromptFile } from '../../prompts/index.ts';
import { audit } from '../../store/audit.ts';
import { ROLES, ROLE_SCOPE, type Role } from '../../store/roles.ts';
import { cycleLabel } from '../../store/campaigns.ts';
import { buildMilestones } from '../../domain/calendar.ts';
import { addDays, localDateSchema, type LocalDate } from '../../domain/dates.ts';
import { normalizeName } from '../../domain/names.ts';
import type { PrismaClient } from '../../store/db.ts';
import type { Deps } from '../../pipeline/context.ts';
import type { FakeFeishu } from '../fake/index.ts';

/** Every seeded row's audit actor, so demo data is told apart from what people did in the sandbox. */
export const SEED_ACTOR = 'sandbox-seed';
/** The audit action written once seeding finished: it marks a database as the sandbox's own (reset may delete it). */
export const SEED_MARKER = 'sandbox.seed';

const key = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a short key of lowercase letters and digits');
const grant = z.object({ role: z.enum(ROLES), region: key.optional(), bank: key.optional() });

export const demoDataSchema = z.object({
  version: z.literal(1),
  regions: z.array(z.object({ key, name: z.string().min(1), chat: z.object({ id: z.string().regex(/^oc_\w+$/), name: z.string().min(1) }) })).min(1),
  banks: z.array(z.object({ key, name: z.string().min(1) })).min(1),
  units: z.array(z.object({ name: z.string().min(1), bank: key, region: key, openedOn: localDateSchema })),
  previousRound: z.object({
    name: z.string().min(1),
    opensOn: localDateSchema,
    quotas: z.array(z.object({ region: key, tier: z.string().min(1), quota: z.number().int().min(0) })),
  }),
  users: z.array(z.object({
    openId: z.string().regex(/^ou_\w+$/),
    name: z.string().min(1),
    title: z.string().default(''),
    roles: z.array(grant).min(1),
    groups: z.array(key).default([]),
  })).min(1),
  hints: z.record(z.string(), z.array(z.string())).default({}),
});

export type DemoData = z.infer<typeof demoDataSchema>;
export type DemoUser = DemoData['users'][number];

export class DemoDataError extends Error {
  constructor(problems: string[]) {
    super(`prompts/zh-CN/sandbox.yaml has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the file; its header explains every field.`);
    this.name = 'DemoDataError';
  }
}

/** Reads and checks prompts/zh-CN/sandbox.yaml, including that every region/bank key it uses is defined. */
export function loadDemoData(dir?: string): DemoData {
  const parsed = demoDataSchema.safeParse(readPromptFile('sandbox.yaml', dir));
  if (!parsed.success) throw new DemoDataError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const d = parsed.data;
  const regions = new Set(d.regions.map((r) => r.key));
  const banks = new Set(d.banks.map((b) => b.key));
  const problems: string[] = [];
  const need = (set: Set<string>, k: string | undefined, where: string) => k !== undefined && !set.has(k) && problems.push(`${where}: unknown key "${k}"`);
  d.units.forEach((u, i) => (need(banks, u.bank, `units.${i}.bank`), need(regions, u.region, `units.${i}.region`)));
  d.previousRound.quotas.forEach((q, i) => need(regions, q.region, `previousRound.quotas.${i}.region`));
  d.users.forEach((u, i) => {
    u.groups.forEach((g, j) => need(regions, g, `users.${i}.groups.${j}`));
    u.roles.forEach((r, j) => {
      const scope = ROLE_SCOPE[r.role];
      if (scope === 'region' && !r.region) problems.push(`users.${i}.roles.${j}: ${r.role} needs a region`);
      if (scope === 'member' && !r.bank) problems.push(`users.${i}.roles.${j}: ${r.role} needs a bank`);
      need(regions, r.region, `users.${i}.roles.${j}.region`);
      need(banks, r.bank, `users.${i}.roles.${j}.bank`);
    });
  });
  if (problems.length) throw new DemoDataError(problems);
  return d;
}

/** Whether a database may be seeded and reset by the sandbox: its own ('seeded'), brand new ('empty'), or someone else's. */
export async function ownership(prisma: PrismaClient): Promise<'seeded' | 'empty' | 'foreign'> {
  if (await prisma.auditLog.findFirst({ where: { action: SEED_MARKER } })) return 'seeded';
  const others = (await prisma.auditLog.count({ where: { actorId: { notIn: [SEED_ACTOR, 'system'] } } })) + (await prisma.processedEvent.count());
  return others ? 'foreign' : 'empty';
}

/** Users and chats in the fake Open Platform: each person, their p2p chat with the bot, and a group per region. */
export function seedFake(fake: FakeFeishu, d: DemoData): void {
  for (const u of d.users) {
    fake.addUser({ openId: u.openId, name: u.name });
    fake.addChat({ chatId: p2pChatId(u.openId), name: u.name, type: 'p2p', members: [u.openId] });
  }
  for (const r of d.regions) {
    fake.addChat({ chatId: r.chat.id, name: r.chat.name, type: 'group', members: d.users.filter((u) => u.groups.includes(r.key)).map((u) => u.openId) });
  }
}

export function p2pChatId(openId: string): string {
  return `oc_p2p_${openId}`;
}

/**
 * Seeds regions (with bound groups), banks, units, role grants and an archived previous round with quotas, through
 * the same stores the commands use, so every row has its audit entry (actor `sandbox-seed`). Idempotent.
 */
export async function seedDatabase(deps: Pick<Deps, 'prisma' | 'services' | 'clock'>, d: DemoData): Promise<void> {
  const { prisma, services, clock } = deps;
  const { directory, roles, campaigns, cycle } = services;
  const regionId = new Map<string, number>();
  const bankId = new Map<string, number>();
  for (const r of d.regions) {
    const { region } = await directory.addRegion(SEED_ACTOR, r.name);
    regionId.set(r.key, region.id);
    if (region.chatId !== r.chat.id) await directory.bindChat(SEED_ACTOR, region.id, r.chat.id);
  }
  for (const b of d.banks) bankId.set(b.key, (await directory.addBank(SEED_ACTOR, b.name)).bank.id);
  for (const u of d.units) {
    // Unit names are stored in their one form (src/domain/names.ts), as the application dialog stores them.
    const where = { memberUnitId: bankId.get(u.bank)!, regionId: regionId.get(u.region)!, name: normalizeName(u.name) };
    if (await prisma.unit.findFirst({ where })) continue;
    await prisma.$transaction(async (tx) => {
      const row = await tx.unit.create({ data: { ...where, openedOn: u.openedOn, createdBy: SEED_ACTOR, createdAt: clock.now() } });
      await audit(tx, { actorId: SEED_ACTOR, action: 'unit.add', target: `unit:${row.id}`, before: null, after: { ...where, openedOn: u.openedOn }, at: clock.now() });
    });
  }
  for (const u of d.users) {
    for (const g of u.roles) {
      const scopeType = ROLE_SCOPE[g.role as Role];
      const scopeId = scopeType === 'region' ? regionId.get(g.region!)! : scopeType === 'member' ? bankId.get(g.bank!)! : 0;
      await roles.grant(SEED_ACTOR, u.openId, { role: g.role, scopeType, scopeId }, u.name);
    }
  }
  const p = d.previousRound;
  if (!(await prisma.campaign.findFirst({ where: { name: p.name } }))) {
    const tiers = cycle.tiers.map((t) => t.id);
    const draft = await campaigns.createDraft(SEED_ACTOR, { name: p.name, cycle: cycleLabel(cycle, p.opensOn), tiers, milestones: buildMilestones(cycle, { opensOn: p.opensOn }) });
    for (const q of p.quotas) if (tiers.includes(q.tier)) await campaigns.setQuota(SEED_ACTOR, draft.id, regionId.get(q.region)!, q.tier, q.quota);
    const path = ['DRAFT', 'OPEN', 'CLOSED', 'ANNOUNCED', 'ARCHIVED'] as const;
    for (let i = 1; i < path.length; i++) await campaigns.move(SEED_ACTOR, draft.id, path[i - 1]!, path[i]!);
  }
  if (!(await prisma.auditLog.findFirst({ where: { action: SEED_MARKER } }))) {
    await audit(prisma, { actorId: SEED_ACTOR, action: SEED_MARKER, target: 'sandbox', before: null, after: { version: d.version, users: d.users.length }, at: clock.now() });
  }
}

/** The example commands shown to a person, by their roles; `{deadline}` is 30 days after the sandbox's today. */
export function hintsFor(d: DemoData, user: DemoUser | undefined, today: LocalDate): string[] {
  const lists = [d.hints.everyone ?? [], ...(user?.roles ?? []).map((r) => d.hints[r.role] ?? [])];
  const deadline = addDays(today, 30);
  return [...new Set(lists.flat())].map((h) => h.replaceAll('{deadline}', deadline));
}
