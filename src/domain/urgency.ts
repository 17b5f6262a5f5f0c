/** Why: who gets the deadline-day reminder marked urgent, when, and which units the region's admins hear of, as pure rules. */

import { addDays, zonedDateTime, type LocalDate } from './dates.ts';
import type { QuietRule } from './reminder-time.ts';
import { deliveryTime } from './reminder-time.ts';

export interface UrgentSlot {
  /** When the policy says the check is due: the deadline day at `at`. */
  dueAt: Date;
  /** When it may run: outside quiet hours; a quiet deadline day (a weekend) brings it forward to the last working day. */
  deliverAt: Date;
  /** The end of the deadline day: after it an urgent mark no longer helps and is not sent. */
  expiresAt: Date;
}

/** The time of a milestone's urgent escalation, quiet hours holding (the same rule as the due-day reminder). */
export function urgentSlot(quiet: QuietRule, deadline: LocalDate, at: string, timeZone: string): UrgentSlot {
  const dueAt = zonedDateTime(deadline, at, timeZone);
  const expiresAt = zonedDateTime(addDays(deadline, 1), '00:00', timeZone);
  return { dueAt, deliverAt: deliveryTime(quiet, dueAt, at, expiresAt, timeZone), expiresAt };
}

/** Whether the escalation runs now: its time has come and its day is not over. */
export function urgentDue(slot: UrgentSlot, now: Date): boolean {
  return now.getTime() >= slot.deliverAt.getTime() && now.getTime() < slot.expiresAt.getTime();
}

export interface UrgentUnit {
  applicationId: number;
  unitName: string;
  tier: string;
  regionId: number;
  /** Required items still missing. */
  missing: string[];
}

export interface UrgentManager {
  openId: string;
  /** The latest reminder of this milestone the bot sent the manager (the message to mark urgent), if any. */
  reminderMessageId: string | null;
  /** True when Feishu lists the manager among the reminder's readers. */
  read: boolean;
  units: UrgentUnit[];
}

export interface UrgentPlanInput {
  managers: UrgentManager[];
  regions: Array<{ id: number; name: string }>;
  regionalAdmins: Array<{ openId: string; regionId: number }>;
  secretariat: string[];
}

export interface UrgentPlan {
  /** Reminders to mark urgent, one per manager. */
  urgent: Array<{ openId: string; messageId: string; applicationIds: number[] }>;
  /** Per region admin (the secretariat when the region has none), the units escalated; `urgent` false = no reminder to mark. */
  notices: Array<{ to: string; regionId: number; regionName: string; units: Array<UrgentUnit & { urgent: boolean }> }>;
}

/**
 * A manager whose applications still lack required items on the deadline day and who has not read the reminder gets
 * that reminder marked urgent; one who never got a reminder cannot be marked and is still reported. One who read it
 * is left alone. Each region's admins get the list of its units concerned.
 */
export function planUrgent(input: UrgentPlanInput): UrgentPlan {
  const urgent: UrgentPlan['urgent'] = [];
  const byRegion = new Map<number, Array<UrgentUnit & { urgent: boolean }>>();
  for (const m of input.managers) {
    const units = m.units.filter((u) => u.missing.length > 0);
    if (!units.length || m.read) continue;
    const marked = m.reminderMessageId !== null;
    if (marked) urgent.push({ openId: m.openId, messageId: m.reminderMessageId!, applicationIds: units.map((u) => u.applicationId) });
    for (const u of units) byRegion.set(u.regionId, [...(byRegion.get(u.regionId) ?? []), { ...u, urgent: marked }]);
  }
  const notices: UrgentPlan['notices'] = [];
  for (const [regionId, units] of [...byRegion].sort((a, b) => a[0] - b[0])) {
    const admins = [...new Set(input.regionalAdmins.filter((a) => a.regionId === regionId).map((a) => a.openId))];
    const regionName = input.regions.find((r) => r.id === regionId)?.name ?? `#${regionId}`;
    const sorted = [...units].sort((a, b) => a.applicationId - b.applicationId);
    for (const to of admins.length ? admins : input.secretariat) notices.push({ to, regionId, regionName, units: sorted });
  }
  return { urgent, notices };
}
