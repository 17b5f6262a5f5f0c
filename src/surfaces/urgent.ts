/** Why: on a deadline day, marks the unread reminder of each manager still missing items as urgent, once, and tells the region's admins. */
// Whether a manager read the reminder comes from im/v1/messages/:message_id/read_users (the bot's own messages of the
// last 7 days; it lists readers only). That is a read, made directly; the urgent marks and the admins' lists are writes
// and go through the outbox, each under a key (urgent:<campaign>:<milestone>:<open_id>) that makes them once-only.
import { asLocalDate } from '../domain/dates.ts';
import { isQuiet } from '../domain/reminder-time.ts';
import { planUrgent, urgentDue, urgentSlot, type UrgentManager } from '../domain/urgency.ts';
import { urgentNoticeCard } from '../cards/surfaces.ts';
import { tierName } from '../store/cycle.ts';
import { audit } from '../store/audit.ts';
import type { Deps } from '../pipeline/context.ts';
import type { SurfacePolicy } from './policy.ts';

const ACTOR = 'system:urgent';
const DAY_MS = 86_400_000;

/** An open campaign with its milestones, as the tick already has them. */
export interface OpenCampaign {
  id: number;
  name: string;
  milestones: Array<{ key: string; name: string; startsOn: string; endsOn: string | null }>;
}

export interface UrgentResult {
  campaignId: number;
  milestone: string;
  urgent: number;
  read: number;
  notices: number;
}

export class UrgentService {
  constructor(private readonly deps: Deps, private readonly policy: SurfacePolicy) {}

  /** Runs every escalation of these open campaigns whose time has come and that has not run yet; each runs once. */
  async run(campaigns: OpenCampaign[]): Promise<UrgentResult[]> {
    const { prisma, clock, config } = this.deps;
    const now = clock.now();
    const quiet = this.deps.services.reminders.policy.quietHours;
    if (isQuiet(quiet, now, config.timezone)) return [];
    const out: UrgentResult[] = [];
    for (const c of campaigns) {
      for (const key of this.policy.urgent.milestones) {
        const m = c.milestones.find((x) => x.key === key);
        if (!m) continue;
        const slot = urgentSlot(quiet, asLocalDate(m.endsOn ?? m.startsOn), this.policy.urgent.at, config.timezone);
        const runKey = `urgent:${c.id}:${key}`;
        if (now.getTime() < slot.deliverAt.getTime() || now.getTime() >= slot.expiresAt.getTime() + 7 * DAY_MS) continue;
        if (await prisma.surfaceRun.findUnique({ where: { key: runKey } })) continue;
        if (!urgentDue(slot, now)) {
          // The bot was down (or paused) through the whole deadline day: an urgent mark now would come too late.
          await this.mark(runKey, 'missed');
          await audit(prisma, { actorId: ACTOR, action: 'urgent.dropped', target: runKey, before: null, after: { reason: 'the deadline day passed before the escalation could run', deadline: m.endsOn ?? m.startsOn }, at: now });
          continue;
        }
        // Read directly: this runs inside the reminder tick, whose serial status() would wait for this very tick.
        if (!config.surfaces.urgent || (await prisma.reminderSchedulerState.findUnique({ where: { id: 1 } }))?.paused) continue;
        out.push(await this.escalate(c, key, m.name, asLocalDate(m.endsOn ?? m.startsOn), runKey));
      }
    }
    return out;
  }

  private async escalate(c: { id: number; name: string }, milestone: string, milestoneName: string, deadline: string, runKey: string): Promise<UrgentResult> {
    const { prisma, clock, messages } = this.deps;
    const now = clock.now();
    const tiers = this.deps.services.cycle.milestones.find((x) => x.id === milestone)?.tiers;
    const incomplete = (await this.deps.services.reminderSources.applications.incomplete(c.id)).filter((a) => a.missing.length > 0 && (!tiers || tiers.includes(a.tier)));
    // The latest reminder of this milestone each manager was sent (the due-day one, normally). Keys read
    // reminder:<campaign>:<milestone>@<date>:<offset>:<recipient> (reminderKey in src/domain/reminders.ts).
    const sent = await prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `reminder:${c.id}:${milestone}@` }, status: 'sent', messageId: { not: null } }, select: { dedupeKey: true, messageId: true }, orderBy: { id: 'asc' } });
    const lastTo = new Map<string, string>();
    for (const r of sent) {
      const m = /:manager:(.+)$/.exec(r.dedupeKey ?? '');
      if (m) lastTo.set(m[1]!, r.messageId!);
    }
    const byManager = new Map<string, typeof incomplete>();
    for (const a of incomplete) byManager.set(a.managerOpenId, [...(byManager.get(a.managerOpenId) ?? []), a]);
    const managers: UrgentManager[] = [];
    let read = 0;
    for (const [openId, apps] of byManager) {
      const messageId = lastTo.get(openId) ?? null;
      const hasRead = messageId ? await this.hasRead(messageId, openId) : false;
      if (hasRead) read++;
      managers.push({ openId, reminderMessageId: messageId, read: hasRead, units: apps.map((a) => ({ applicationId: a.applicationId, unitName: a.unitName, tier: a.tier, regionId: a.regionId, missing: a.missing })) });
    }
    const [regions, grants] = await Promise.all([
      prisma.region.findMany({ select: { id: true, name: true } }),
      prisma.roleGrant.findMany({ where: { role: { in: ['secretariat', 'regional_admin'] } } }),
    ]);
    const plan = planUrgent({
      managers, regions,
      regionalAdmins: grants.filter((g) => g.role === 'regional_admin' && g.scopeType === 'region').map((g) => ({ openId: g.openId, regionId: g.scopeId })),
      secretariat: [...new Set(grants.filter((g) => g.role === 'secretariat').map((g) => g.openId))],
    });
    for (const u of plan.urgent) {
      await this.deps.sender.enqueue({ op: 'urgent', msgType: 'surface', bucket: `p2p:${u.openId}`, lane: 'bulk', userId: u.openId, content: { messageId: u.messageId, openIds: [u.openId] }, dedupeKey: `urgent:${c.id}:${milestone}:${u.openId}` });
    }
    const tier = (id: string) => tierName(this.deps.services.cycle, id);
    for (const n of plan.notices) {
      const card = urgentNoticeCard(messages, { campaign: c.name, milestone: milestoneName, date: deadline, regionName: n.regionName, units: n.units.map((u) => ({ ...u, tier: tier(u.tier) })) });
      await this.deps.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: n.to, msgType: 'interactive', content: card, dedupeKey: `urgent-list:${c.id}:${milestone}:${n.regionId}:${n.to}` });
    }
    const result = { campaignId: c.id, milestone, urgent: plan.urgent.length, read, notices: plan.notices.length };
    await this.mark(runKey, JSON.stringify(result));
    await audit(prisma, { actorId: ACTOR, action: 'urgent.run', target: runKey, before: null, after: { ...result, managers: plan.urgent.slice(0, 50).map((u) => u.openId) }, at: now });
    if (plan.urgent.length || plan.notices.length) this.deps.logger.info(result, 'deadline-day urgent escalation');
    return result;
  }

  /**
   * True when the person is among the message's readers. A failed read (e.g. the im:message scope is missing) counts as
   * unread, with a warning: an urgent mark on a read reminder costs less than a missed deadline.
   */
  private async hasRead(messageId: string, openId: string): Promise<boolean> {
    let pageToken: string | undefined;
    try {
      for (let page = 0; page < 50; page++) {
        const res = await this.deps.lark.im.v1.message.readUsers({ path: { message_id: messageId }, params: { user_id_type: 'open_id', page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) } });
        if (res?.code !== 0) throw new Error(`code ${res?.code}: ${res?.msg}`);
        if (res.data?.items?.some((i) => i.user_id === openId)) return true;
        if (!res.data?.has_more || !res.data.page_token) return false;
        pageToken = res.data.page_token;
      }
    } catch (err) {
      const data = (err as { response?: { data?: { code?: number; msg?: string } } }).response?.data;
      this.deps.logger.warn({ messageId, reason: data ? `code ${data.code}: ${data.msg}` : (err as Error).message }, 'could not read who has read the reminder (needs im:message); treating it as unread');
    }
    return false;
  }

  private async mark(key: string, note: string): Promise<void> {
    await this.deps.prisma.surfaceRun.upsert({ where: { key }, create: { key, at: this.deps.clock.now(), note }, update: {} });
  }
}
