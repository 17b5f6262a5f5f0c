/** Why: which reminders are due, to whom, with what content, is a pure function of (state, now), so a two-year round can be table-tested without a clock or a database. */

import { compareDates, daysBetween, toLocalDate, type LocalDate } from './dates.ts';
import type { ReminderPolicy } from './reminder-policy.ts';
import { daysLeftAt, slotsBetween, type CampaignDates, type PlanMilestone, type Slot } from './reminder-slots.ts';

import type { CampaignData, InspectionVisit, ReviewItem } from './reminder-data.ts';

export { slotsBetween, offsetLabel, type CampaignDates, type PlanMilestone, type ReminderKind, type Slot } from './reminder-slots.ts';
export type { CampaignData, IncompleteApplication, InspectionVisit, ReviewItem } from './reminder-data.ts';

export interface PlanState {
  timezone: string;
  policy: ReminderPolicy;
  campaigns: Array<CampaignDates & { data: CampaignData | null }>;
  regions: Array<{ id: number; name: string; chatId: string | null }>;
  people: {
    secretariat: string[];
    memberAdmins: Array<{ openId: string; memberUnitId: number }>;
    regionalAdmins: Array<{ openId: string; regionId: number }>;
  };
  /** open_ids who used /mute. */
  mutes: readonly string[];
  /** The end of the previous tick's window; null on the very first tick. */
  lastTickAt: Date | null;
}

export interface ContentHead {
  campaignId: number;
  campaignName: string;
  milestone: Slot['milestone'];
  milestoneName: string;
  anchor: LocalDate;
  anchorKind: 'start' | 'end';
  isWindow: boolean;
  /** Days from the delivery day to the anchor. */
  daysLeft: number;
}

export type ReminderBody =
  | { kind: 'branch_manager'; applications: Array<{ applicationId: number; unitName: string; tier: string; missing: string[] }> }
  | { kind: 'region_group'; regionId: number; regionName: string; rows: Array<{ tier: string; submitted: number; drafts: number; quota: number | null }> }
  | { kind: 'member_admin'; items: ReviewItem[] }
  | { kind: 'inspector'; visits: InspectionVisit[] }
  | { kind: 'secretariat' }
  | { kind: 'escalation'; regionId: number; regionName: string; items: Array<{ unitName: string; tier: string; what: 'incomplete' | 'review' | 'inspection'; detail: string[] }> }
  | {
      kind: 'digest';
      phase: string | null;
      next: Array<{ name: string; date: LocalDate; days: number }>;
      totals: Array<{ tier: string; submitted: number; drafts: number; quota: number }>;
      backlog: number;
      sentLastWeek: number;
      failedLastWeek: number;
    };

export type ReminderContent = ContentHead & ReminderBody;

export type Disposition = 'send' | 'muted' | 'expired' | 'superseded';

export interface Reminder extends Slot {
  dedupeKey: string;
  /** The audience kind and address, as in the dedupe key: `manager:ou_…`, `group:oc_…`, `escalation:3:ou_…`. */
  recipient: string;
  to: { type: 'open_id' | 'chat_id'; id: string };
  /** Where the reminder belongs, so a preview can show each admin only their own scope. */
  regionIds: number[];
  memberUnitIds: number[];
  content: ReminderContent;
  disposition: Disposition;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | number): Map<string | number, T[]> {
  const m = new Map<string | number, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

type Campaign = PlanState['campaigns'][number];

function head(state: PlanState, c: Campaign, s: Slot): ContentHead {
  const m = c.milestones.find((x) => x.key === s.milestone);
  return {
    campaignId: c.id,
    campaignName: c.name,
    milestone: s.milestone,
    milestoneName: m?.name ?? '',
    anchor: s.anchor,
    anchorKind: s.anchorKind,
    isWindow: !!m?.endsOn && m.endsOn !== m.startsOn,
    daysLeft: daysLeftAt(s, state.timezone),
  };
}

type Draft = Omit<Reminder, keyof Slot | 'dedupeKey' | 'disposition' | 'content'> & { body: ReminderBody };

function phaseOf(ms: readonly PlanMilestone[], today: LocalDate) {
  const sorted = [...ms].sort((a, b) => compareDates(a.startsOn, b.startsOn));
  const started = sorted.filter((m) => compareDates(m.startsOn, today) <= 0);
  return {
    phase: started[started.length - 1]?.name ?? null,
    next: sorted.filter((m) => compareDates(m.startsOn, today) > 0).slice(0, 3).map((m) => ({ name: m.name, date: m.startsOn, days: daysBetween(today, m.startsOn) })),
  };
}

/** Addresses one slot: the recipients its audience kind implies, each with their own content. */
function expand(state: PlanState, c: Campaign, s: Slot): Draft[] {
  const d = c.data;
  if (!d) return [];
  const milestone = c.milestones.find((m) => m.key === s.milestone);
  const tiers = milestone?.tiers ?? c.tiers;
  const region = (id: number) => state.regions.find((r) => r.id === id);
  const person = (id: string) => ({ type: 'open_id' as const, id });
  switch (s.kind) {
    case 'branch_manager': {
      const apps = d.incomplete.filter((a) => tiers.includes(a.tier));
      return [...groupBy(apps, (a) => a.managerOpenId)].map(([openId, list]) => ({
        recipient: `manager:${openId}`,
        to: person(String(openId)),
        regionIds: uniq(list.map((a) => a.regionId)),
        memberUnitIds: uniq(list.map((a) => a.memberUnitId)),
        body: { kind: 'branch_manager', applications: list.map((a) => ({ applicationId: a.applicationId, unitName: a.unitName, tier: a.tier, missing: a.missing })) },
      }));
    }
    case 'region_group':
      return state.regions
        .filter((r) => r.chatId)
        .map((r) => ({
          recipient: `group:${r.chatId}`,
          to: { type: 'chat_id' as const, id: r.chatId! },
          regionIds: [r.id],
          memberUnitIds: [],
          body: {
            kind: 'region_group',
            regionId: r.id,
            regionName: r.name,
            rows: tiers.map((tier) => {
              const n = d.counts.find((x) => x.regionId === r.id && x.tier === tier);
              return { tier, submitted: n?.submitted ?? 0, drafts: n?.drafts ?? 0, quota: d.quotas.find((q) => q.regionId === r.id && q.tier === tier)?.quota ?? null };
            }),
          },
        }));
    case 'member_admin':
      return [...groupBy(state.people.memberAdmins, (a) => a.openId)].flatMap(([openId, grants]) => {
        const banks = grants.map((g) => g.memberUnitId);
        const items = d.reviewBacklog.filter((i) => banks.includes(i.memberUnitId));
        if (!items.length) return [];
        return [{ recipient: `member:${openId}`, to: person(String(openId)), regionIds: uniq(items.map((i) => i.regionId)), memberUnitIds: uniq(banks), body: { kind: 'member_admin' as const, items } }];
      });
    case 'inspector':
      return [...groupBy(d.visits.filter((v) => !v.done && tiers.includes(v.tier)), (v) => v.inspectorOpenId)].map(([openId, visits]) => ({
        recipient: `inspector:${openId}`,
        to: person(String(openId)),
        regionIds: uniq(visits.map((v) => v.regionId)),
        memberUnitIds: uniq(visits.map((v) => v.memberUnitId)),
        body: { kind: 'inspector', visits: [...visits].sort((a, b) => (a.date ?? '9').localeCompare(b.date ?? '9')) },
      }));
    case 'secretariat':
      return state.people.secretariat.map((openId) => ({ recipient: `secretariat:${openId}`, to: person(openId), regionIds: [], memberUnitIds: [], body: { kind: 'secretariat' as const } }));
    case 'escalation': {
      type Item = { regionId: number; unitName: string; tier: string; what: 'incomplete' | 'review' | 'inspection'; detail: string[] };
      const items: Item[] =
        s.milestone === 'apply_deadline'
          ? d.incomplete.map((a) => ({ regionId: a.regionId, unitName: a.unitName, tier: a.tier, what: 'incomplete' as const, detail: a.missing }))
          : s.milestone === 'qualification_review'
            ? d.reviewBacklog.map((a) => ({ regionId: a.regionId, unitName: a.unitName, tier: a.tier, what: 'review' as const, detail: [] }))
            : d.visits.filter((v) => !v.done).map((v) => ({ regionId: v.regionId, unitName: v.unitName, tier: v.tier, what: 'inspection' as const, detail: v.date ? [v.date] : [] }));
      // To the region's admins; a region with none escalates to the secretariat, so an overdue item never goes unseen.
      const adminsOf = (regionId: number) => {
        const admins = state.people.regionalAdmins.filter((a) => a.regionId === regionId).map((a) => a.openId);
        return admins.length ? admins : state.people.secretariat;
      };
      return [...groupBy(items, (i) => i.regionId)].flatMap(([regionId, list]) =>
        adminsOf(Number(regionId))
          .map((openId) => ({
            recipient: `escalation:${regionId}:${openId}`,
            to: person(openId),
            regionIds: [Number(regionId)],
            memberUnitIds: [],
            body: { kind: 'escalation' as const, regionId: Number(regionId), regionName: region(Number(regionId))?.name ?? `#${regionId}`, items: list.map(({ regionId: _r, ...rest }) => rest) },
          })),
      );
    }
    case 'digest': {
      const today = toLocalDate(s.deliverAt, state.timezone);
      const { phase, next } = phaseOf(c.milestones, today);
      const totals = c.tiers.map((tier) => ({
        tier,
        submitted: d.counts.filter((x) => x.tier === tier).reduce((n, x) => n + x.submitted, 0),
        drafts: d.counts.filter((x) => x.tier === tier).reduce((n, x) => n + x.drafts, 0),
        quota: d.quotas.filter((q) => q.tier === tier).reduce((n, q) => n + q.quota, 0),
      }));
      const body: ReminderBody = { kind: 'digest', phase, next, totals, backlog: d.reviewBacklog.length, sentLastWeek: d.sentLastWeek, failedLastWeek: d.failedLastWeek };
      return state.people.secretariat.map((openId) => ({ recipient: `digest:${openId}`, to: person(openId), regionIds: [], memberUnitIds: [], body }));
    }
  }
}

/**
 * The outbox key of one reminder: `reminder:<campaign>:<milestone>@<date>:<offset>:<recipient>`. The milestone's date is
 * part of it, so when the secretariat moves a deadline (/campaign extend) the reminders for the new date go out even
 * if those for the old one did; a digest's offset is already its week's date.
 */
export function reminderKey(s: Pick<Slot, 'campaignId' | 'milestone' | 'anchor' | 'offsetLabel'>, recipient: string): string {
  const milestone = s.milestone === 'digest' ? s.milestone : `${s.milestone}@${s.anchor}`;
  return `reminder:${s.campaignId}:${milestone}:${s.offsetLabel}:${recipient}`;
}

function address(state: PlanState, slots: readonly Slot[]): Reminder[] {
  const out: Reminder[] = [];
  for (const s of slots) {
    const c = state.campaigns.find((x) => x.id === s.campaignId);
    if (!c) continue;
    const h = head(state, c, s);
    for (const { body, ...rest } of expand(state, c, s)) {
      out.push({ ...s, ...rest, dedupeKey: reminderKey(s, rest.recipient), content: { ...h, ...body }, disposition: 'send' });
    }
  }
  return out;
}

/** The start of the window a tick plans: just after the previous tick, or a lookback on the very first one. */
export function windowStart(state: Pick<PlanState, 'lastTickAt' | 'policy'>, now: Date): Date {
  return state.lastTickAt ?? new Date(now.getTime() - state.policy.catchUp.firstRunLookbackHours * 3_600_000);
}

/**
 * The reminders that fell due since the last tick, each with what to do about it:
 * - `send`: due and still useful;
 * - `expired`: its deadline passed while nobody sent it (the bot was down or paused): drop it, with an audit line;
 * - `superseded`: a later reminder of the same milestone to the same recipient is also due: send only that one;
 * - `muted`: the recipient used /mute and the reminder is not critical.
 * A tick that runs twice plans the same keys; the outbox's unique dedupeKey makes the second a no-op.
 */
export function planReminders(state: PlanState, now: Date): Reminder[] {
  const from = windowStart(state, now);
  if (now.getTime() <= from.getTime()) return [];
  const reminders = address(state, slotsBetween(state, state.campaigns, from, now));
  const latest = new Map<string, Reminder>();
  for (const r of reminders) {
    if (now.getTime() >= r.expiresAt.getTime()) {
      r.disposition = 'expired';
      continue;
    }
    const k = `${r.campaignId}:${r.milestone}:${r.kind}:${r.recipient}`;
    const prev = latest.get(k);
    if (!prev) latest.set(k, r);
    else if (r.deliverAt.getTime() > prev.deliverAt.getTime() || (r.deliverAt.getTime() === prev.deliverAt.getTime() && r.offsetDays < prev.offsetDays)) {
      prev.disposition = 'superseded';
      latest.set(k, r);
    } else r.disposition = 'superseded';
  }
  const muted = new Set(state.mutes);
  for (const r of latest.values()) if (!r.critical && r.to.type === 'open_id' && muted.has(r.to.id)) r.disposition = 'muted';
  return reminders;
}

/** What would go out in (now, until], with today's data (for /reminders preview); nothing is marked expired. */
export function previewReminders(state: PlanState, now: Date, until: Date): Reminder[] {
  const muted = new Set(state.mutes);
  return address(state, slotsBetween(state, state.campaigns, now, until)).map((r) =>
    !r.critical && r.to.type === 'open_id' && muted.has(r.to.id) ? { ...r, disposition: 'muted' as const } : r,
  );
}

