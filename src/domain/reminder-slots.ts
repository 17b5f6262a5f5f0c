/** Why: when each reminder of a round falls due depends only on its dates and the policy, so the scheduler can tell cheaply whether a tick has anything to do. */

import { addDays, compareDates, daysBetween, toLocalDate, zonedDateTime, type LocalDate } from './dates.ts';
import type { MilestoneId } from './cycle-template.ts';
import { offsetsFor, type ReminderAudience, type ReminderPolicy } from './reminder-policy.ts';
import { deliveryTime, nextAllowed, weekStart } from './reminder-time.ts';

export type ReminderKind = ReminderAudience | 'escalation' | 'digest';

/** A campaign's dated step as the planner sees it; `tiers` are the campaign's tiers the milestone concerns. */
export interface PlanMilestone {
  key: MilestoneId;
  name: string;
  startsOn: LocalDate;
  endsOn: LocalDate | null;
  tiers: string[];
}

export interface CampaignDates {
  id: number;
  name: string;
  status: string;
  tiers: string[];
  milestones: PlanMilestone[];
}

/** One reminder occasion of a campaign: a milestone, an offset and an audience kind, not yet addressed to anyone. */
export interface Slot {
  campaignId: number;
  milestone: MilestoneId | 'digest';
  kind: ReminderKind;
  /** Days before the anchor (positive), the anchor day (0), or after it (negative: escalations). */
  offsetDays: number;
  /** The offset as written in dedupe keys: `-30d`, `0d`, `+1d`; a digest's ISO week start date. */
  offsetLabel: string;
  /** The date the reminder is about (a deadline, a start, or the week of a digest). */
  anchor: LocalDate;
  anchorKind: 'start' | 'end';
  /** When the policy says it is due, and when it may actually go out (after quiet hours). */
  dueAt: Date;
  deliverAt: Date;
  /** After this it is no longer useful: a catch-up drops it instead of sending it. */
  expiresAt: Date;
  /** /mute cannot silence it. */
  critical: boolean;
}

export interface SlotContext {
  timezone: string;
  policy: ReminderPolicy;
}

export function offsetLabel(offsetDays: number): string {
  return offsetDays > 0 ? `-${offsetDays}d` : offsetDays === 0 ? '0d' : `+${-offsetDays}d`;
}

function anchorOf(m: PlanMilestone, kind: 'start' | 'end'): LocalDate {
  return kind === 'end' ? (m.endsOn ?? m.startsOn) : m.startsOn;
}

/** Days a delivery can move from its nominal day: forward past a weekend or quiet night, back to the last working day. */
const MAX_SHIFT_DAYS = 16;

/** Window days, for skipping occasions that cannot fall in the window without computing their times. */
interface Days {
  from: LocalDate;
  to: LocalDate;
}

/**
 * Delivery times depend only on (policy, zone, dates), and every tick asks for the same ones (each costs several Intl
 * calls): remember them per policy object. Pure, so remembering changes nothing but speed; bounded in size.
 */
const memory = new WeakMap<ReminderPolicy, Map<string, unknown>>();

function remember<T>(policy: ReminderPolicy, key: string, compute: () => T): T {
  let m = memory.get(policy);
  if (!m) {
    m = new Map();
    memory.set(policy, m);
  }
  if (m.has(key)) return m.get(key) as T;
  if (m.size >= 10_000) m.clear();
  const v = compute();
  m.set(key, v);
  return v;
}

/** True when [lo, hi] (dates) can overlap the window. */
function mayOverlap(d: Days, lo: LocalDate, hi: LocalDate): boolean {
  return compareDates(hi, addDays(d.from, -1)) >= 0 && compareDates(lo, addDays(d.to, 1)) <= 0;
}

/** Every milestone slot of one campaign that may fall in the window (same-day collisions already merged). */
function milestoneSlots(ctx: SlotContext, c: CampaignDates, days: Days): Slot[] {
  const { policy, timezone: tz } = ctx;
  const out: Slot[] = [];
  for (const m of c.milestones) {
    const entry = policy.milestones[m.key];
    if (!entry || entry.audiences.length === 0) continue;
    if (!(entry.statuses ?? policy.statuses).includes(c.status as never)) continue;
    const at = entry.at ?? policy.sendAt;
    const anchor = anchorOf(m, entry.anchor);
    const offsets = offsetsFor(policy, m.key);
    if (!mayOverlap(days, addDays(anchor, -(offsets[0] ?? 0) - MAX_SHIFT_DAYS), addDays(anchor, 1))) continue;
    const { expiresAt, times } = remember(policy, `m|${tz}|${m.key}|${anchor}|${at}`, () => {
      const expiresAt = zonedDateTime(addDays(anchor, 1), '00:00', tz);
      const base = offsets.map((offsetDays) => {
        const dueAt = zonedDateTime(addDays(anchor, -offsetDays), at, tz);
        return { offsetDays, dueAt, deliverAt: deliveryTime(policy.quietHours, dueAt, at, expiresAt, tz) };
      });
      // Two offsets that land on one day (a weekend pushed one onto the next) become one: the nearer to the deadline.
      const byDay = new Map<string, (typeof base)[number]>();
      for (const b of base) {
        const day = toLocalDate(b.deliverAt, tz);
        const prev = byDay.get(day);
        if (!prev || b.offsetDays < prev.offsetDays) byDay.set(day, b);
      }
      return { expiresAt, times: [...byDay.values()] };
    });
    for (const b of times) {
      for (const kind of entry.audiences) {
        out.push({
          campaignId: c.id,
          milestone: m.key,
          kind,
          offsetDays: b.offsetDays,
          offsetLabel: offsetLabel(b.offsetDays),
          anchor,
          anchorKind: entry.anchor,
          dueAt: b.dueAt,
          deliverAt: b.deliverAt,
          expiresAt,
          critical: policy.criticalOffsets.includes(b.offsetDays),
        });
      }
    }
  }
  return out;
}

/** Escalations: the days after a deadline (the window's last day), unfinished items go to the regional admins. */
function escalationSlots(ctx: SlotContext, c: CampaignDates, days: Days): Slot[] {
  const { policy, timezone: tz } = ctx;
  const out: Slot[] = [];
  for (const id of policy.escalation.milestones) {
    const m = c.milestones.find((x) => x.key === id);
    const entry = policy.milestones[id];
    if (!m || !(entry?.statuses ?? policy.statuses).includes(c.status as never)) continue;
    const deadline = m.endsOn ?? m.startsOn;
    for (const after of policy.escalation.afterDays) {
      if (!mayOverlap(days, addDays(deadline, after), addDays(deadline, after + MAX_SHIFT_DAYS))) continue;
      const t = remember(policy, `e|${tz}|${deadline}|${after}`, () => {
        const dueAt = zonedDateTime(addDays(deadline, after), policy.sendAt, tz);
        const expiresAt = zonedDateTime(addDays(deadline, after + policy.escalation.expiresAfterDays), '00:00', tz);
        return { dueAt, deliverAt: nextAllowed(policy.quietHours, dueAt, tz), expiresAt };
      });
      out.push({
        campaignId: c.id,
        milestone: id,
        kind: 'escalation',
        offsetDays: -after,
        offsetLabel: offsetLabel(-after),
        anchor: deadline,
        anchorKind: 'end',
        ...t,
        critical: true,
      });
    }
  }
  return out;
}

/** The weekly secretariat digests whose nominal time falls between two dates (inclusive, with a week of margin). */
function digestSlots(ctx: SlotContext, c: CampaignDates, days: Days): Slot[] {
  const { policy, timezone: tz } = ctx;
  const d = policy.digest;
  if (!d || !d.statuses.includes(c.status as never)) return [];
  const out: Slot[] = [];
  for (let week = weekStart(addDays(days.from, -7)); compareDates(week, days.to) <= 0; week = addDays(week, 7)) {
    const day = addDays(week, d.weekday - 1);
    const t = remember(policy, `d|${tz}|${day}`, () => {
      const dueAt = zonedDateTime(day, d.at, tz);
      return { dueAt, deliverAt: nextAllowed(policy.quietHours, dueAt, tz), expiresAt: zonedDateTime(addDays(day, 7), '00:00', tz) };
    });
    out.push({
      campaignId: c.id,
      milestone: 'digest',
      kind: 'digest',
      offsetDays: 0,
      offsetLabel: week,
      anchor: day,
      anchorKind: 'start',
      ...t,
      critical: false,
    });
  }
  return out;
}

/** Slots of these campaigns that go out in (from, to], soonest first. */
export function slotsBetween(ctx: SlotContext, campaigns: readonly CampaignDates[], from: Date, to: Date): Slot[] {
  const days = { from: toLocalDate(from, ctx.timezone), to: toLocalDate(to, ctx.timezone) };
  const inWindow = (s: Slot) => s.deliverAt.getTime() > from.getTime() && s.deliverAt.getTime() <= to.getTime();
  const all = campaigns.flatMap((c) => [...milestoneSlots(ctx, c, days), ...escalationSlots(ctx, c, days), ...digestSlots(ctx, c, days)]);
  return all.filter(inWindow).sort((a, b) => a.deliverAt.getTime() - b.deliverAt.getTime() || a.campaignId - b.campaignId);
}

/** Days from the day a slot goes out to its anchor (negative once the anchor has passed). */
export function daysLeftAt(slot: Slot, timezone: string): number {
  return daysBetween(toLocalDate(slot.deliverAt, timezone), slot.anchor);
}
