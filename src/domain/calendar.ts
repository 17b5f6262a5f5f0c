/** Why: turns the cycle template into a round's concrete dates so reminders, phase questions and date edits share one rule set. */

import { addDays, addMonths, addYears, compareDates, daysBetween, type LocalDate } from './dates.ts';
import { MILESTONE_IDS as MILESTONE_ORDER, type Audience, type CycleTemplate, type MilestoneId, type TierId } from './cycle-template.ts';

export {
  AUDIENCES,
  CycleTemplateError,
  MILESTONE_IDS,
  cycleTemplateSchema,
  loadCycleTemplate,
  type Audience,
  type CycleTemplate,
  type MilestoneId,
  type MilestoneTemplate,
  type TemplateIssue,
  type TierId,
  type TierTemplate,
} from './cycle-template.ts';

/** One milestone of a concrete round. Point events have `endsOn === startsOn` and `isWindow: false`. */
export interface Milestone {
  id: MilestoneId;
  name: string;
  startsOn: LocalDate;
  /** Last day of the window, inclusive. */
  endsOn: LocalDate;
  isWindow: boolean;
  remind: boolean;
  audience: readonly Audience[];
  /** The tiers the milestone concerns; every declared tier when the template does not narrow it. */
  tiers: readonly TierId[];
  /** True when the round's organiser moved this milestone away from the template default. */
  overridden: boolean;
  note?: string;
}

export interface BuildOptions {
  /** The application-open date the template offsets count from. */
  opensOn: LocalDate;
  /** Start dates set by the organiser; a window keeps its template length. */
  overrides?: Partial<Record<MilestoneId, LocalDate>>;
  /**
   * When true, moving a milestone moves every later, non-overridden milestone by the same number of days, so
   * setting only the deadline keeps the rest of the round's spacing (what a secretary expects from `--apply-by`).
   */
  cascade?: boolean;
}

/**
 * Concrete milestones in template order. `offsetMonths` follows 民法典 第二百零二条 (month-end when the day is
 * missing); a window of `durationDays` days ends on startsOn + durationDays − 1 (both ends inclusive).
 */
export function buildMilestones(template: CycleTemplate, options: BuildOptions): Milestone[] {
  const allTiers = template.tiers.map((t) => t.id);
  let shift = 0;
  return template.milestones.map((m) => {
    const override = options.overrides?.[m.id];
    const byTemplate = m.offsetMonths !== undefined ? addMonths(options.opensOn, m.offsetMonths) : addDays(options.opensOn, m.offsetDays ?? 0);
    if (override !== undefined && options.cascade) shift = daysBetween(byTemplate, override);
    const startsOn = override ?? (options.cascade ? addDays(byTemplate, shift) : byTemplate);
    const isWindow = m.durationDays !== undefined;
    const milestone: Milestone = {
      id: m.id,
      name: m.name,
      startsOn,
      endsOn: isWindow ? addDays(startsOn, (m.durationDays ?? 1) - 1) : startsOn,
      isWindow,
      remind: m.remind,
      audience: m.audience,
      tiers: m.tiers ?? allTiers,
      overridden: override !== undefined,
    };
    if (m.note !== undefined) milestone.note = m.note;
    return milestone;
  });
}

export interface Cycle {
  /** "2026-2027": the first and last calendar year of the cycle. */
  label: string;
  startsOn: LocalDate;
  endsOn: LocalDate;
  nextStartsOn: LocalDate;
}

/**
 * The selection cycle a date falls in. Cycles are `cycleYears` long and counted from `firstCycleYear` (cycle.yaml),
 * so with 2-year cycles from 2022 a round opened in 2027 belongs to 2026-2027, the same cycle as one opened in 2026.
 */
export function cycleOf(template: Pick<CycleTemplate, 'cycleYears' | 'firstCycleYear'>, date: LocalDate): Cycle {
  const year = Number(date.slice(0, 4));
  const first = template.firstCycleYear + Math.floor((year - template.firstCycleYear) / template.cycleYears) * template.cycleYears;
  const last = first + template.cycleYears - 1;
  const day = (y: number, md: string) => `${String(y).padStart(4, '0')}-${md}` as LocalDate;
  return { label: `${first}-${last}`, startsOn: day(first, '01-01'), endsOn: day(last, '12-31'), nextStartsOn: day(last + 1, '01-01') };
}

/** The next round opens `cycleYears` after this one (第五条: 原则上每2年举行一次). */
export function nextRoundOpensOn(template: CycleTemplate, opensOn: LocalDate): LocalDate {
  return addYears(opensOn, template.cycleYears);
}

export type MilestoneProblem =
  | {
      code: 'out_of_order';
      /** Should come first (earlier in the template) but starts after `later`. */
      earlier: { id: MilestoneId; startsOn: LocalDate };
      later: { id: MilestoneId; startsOn: LocalDate };
    }
  | { code: 'deadline_not_in_future'; deadline: LocalDate; today: LocalDate }
  | { code: 'missing_milestone'; id: MilestoneId };

/**
 * Checks a round being set up or edited: each milestone starts no earlier than the one before it in template order
 * (windows may overlap), and the application deadline is after today. An empty list means the dates are usable.
 */
export function validateMilestones(milestones: readonly Milestone[], options: { today: LocalDate }): MilestoneProblem[] {
  const problems: MilestoneProblem[] = [];
  for (let i = 1; i < milestones.length; i++) {
    const prev = milestones[i - 1];
    const cur = milestones[i];
    if (prev === undefined || cur === undefined) continue;
    if (compareDates(cur.startsOn, prev.startsOn) < 0) {
      problems.push({
        code: 'out_of_order',
        earlier: { id: prev.id, startsOn: prev.startsOn },
        later: { id: cur.id, startsOn: cur.startsOn },
      });
    }
  }
  const deadline = milestones.find((m) => m.id === 'apply_deadline');
  if (deadline === undefined) problems.push({ code: 'missing_milestone', id: 'apply_deadline' });
  else if (compareDates(deadline.startsOn, options.today) <= 0) {
    problems.push({ code: 'deadline_not_in_future', deadline: deadline.startsOn, today: options.today });
  }
  return problems;
}

function byStart(milestones: readonly Milestone[]): Milestone[] {
  // Array.prototype.sort is stable, so equal dates keep template order.
  return [...milestones].sort((a, b) => compareDates(a.startsOn, b.startsOn));
}

function covers(m: Milestone, day: LocalDate): boolean {
  return compareDates(m.startsOn, day) <= 0 && compareDates(day, m.endsOn) <= 0;
}

export interface Phase {
  /** The latest milestone that has started on or before today (null before the round opens). */
  current: Milestone | null;
  /** Whether today is inside `current`'s window (or is its day, for a point event). */
  inCurrent: boolean;
  /** Every milestone whose [startsOn, endsOn] includes today; windows may overlap. */
  active: Milestone[];
  /** The first milestone starting after today, or null when the round's calendar is over. */
  next: Milestone | null;
}

export function currentPhase(milestones: readonly Milestone[], today: LocalDate): Phase {
  const sorted = byStart(milestones);
  const started = sorted.filter((m) => compareDates(m.startsOn, today) <= 0);
  const current = started[started.length - 1] ?? null;
  return {
    current,
    inCurrent: current !== null && covers(current, today),
    active: sorted.filter((m) => covers(m, today)),
    next: sorted.find((m) => compareDates(m.startsOn, today) > 0) ?? null,
  };
}

/** Up to `n` milestones starting today or later, soonest first. */
export function upcoming(milestones: readonly Milestone[], today: LocalDate, n: number): Milestone[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`upcoming(): n must be a whole number ≥ 0, got ${n}`);
  return byStart(milestones)
    .filter((m) => compareDates(m.startsOn, today) >= 0)
    .slice(0, n);
}

/** A campaign lacks a milestone the rules need (its 申报截止): never guessed, always named with the way to fix it. */
export class MilestoneMissingError extends Error {
  override readonly name = 'MilestoneMissingError';
  constructor(readonly campaignId: number, readonly milestone: MilestoneId) {
    super(
      `Campaign #${campaignId} has no "${milestone}" milestone, so its dates cannot be enforced or measured against. ` +
        (milestone === 'apply_deadline' ? `The secretariat sets it with: /campaign extend ${campaignId} YYYY-MM-DD.` : 'Restore its Milestone row.'),
    );
  }
}

/** The start date of a campaign's milestone; a missing one is a typed error (no far-future fallback). */
export function milestoneStart(c: { id: number; milestones: ReadonlyArray<{ key: string; startsOn: LocalDate }> }, id: MilestoneId): LocalDate {
  const m = c.milestones.find((x) => x.key === id);
  if (!m) throw new MilestoneMissingError(c.id, id);
  return m.startsOn;
}

/** 申报截止 is a whole day (to 24:00, 民法典 第二百零三条): an act on the deadline itself is in time. */
export function isPastDeadline(today: LocalDate, deadline: LocalDate): boolean {
  return compareDates(today, deadline) > 0;
}

/** A stored milestone of a round: its id, first day and (for a window) last day. */
export interface MilestoneDates {
  key: string;
  startsOn: LocalDate;
  endsOn: LocalDate | null;
}

export type ExtendResult =
  | { ok: true; shiftDays: number; before: LocalDate | null; milestones: MilestoneDates[]; moved: string[] }
  | { ok: false; code: 'not_later'; current: LocalDate }
  | { ok: false; code: 'not_in_future'; today: LocalDate };

/**
 * Moves a round's 申报截止 to `to`, and every milestone after it in template order by the same number of days, so the
 * review, inspection and publicity windows keep their spacing (as `/campaign open --apply-by` does). An extension only
 * moves the deadline later, and never to a day already past. A round with no deadline gets one (nothing else moves).
 */
export function extendDeadline(milestones: readonly MilestoneDates[], to: LocalDate, today: LocalDate): ExtendResult {
  if (compareDates(to, today) < 0) return { ok: false, code: 'not_in_future', today };
  const current = milestones.find((m) => m.key === 'apply_deadline');
  if (current && compareDates(to, current.startsOn) <= 0) return { ok: false, code: 'not_later', current: current.startsOn };
  const shiftDays = current ? daysBetween(current.startsOn, to) : 0;
  const order = (key: string) => (MILESTONE_ORDER as readonly string[]).indexOf(key);
  const deadlineAt = order('apply_deadline');
  const moved: string[] = [];
  const out = milestones.map((m) => {
    if (m.key === 'apply_deadline') return { ...m, startsOn: to, endsOn: m.endsOn === null ? null : to };
    if (!current || order(m.key) <= deadlineAt) return { ...m };
    moved.push(m.key);
    return { ...m, startsOn: addDays(m.startsOn, shiftDays), endsOn: m.endsOn === null ? null : addDays(m.endsOn, shiftDays) };
  });
  if (!current) out.push({ key: 'apply_deadline', startsOn: to, endsOn: null });
  return { ok: true, shiftDays, before: current?.startsOn ?? null, milestones: out, moved };
}
