/** Why: the thin, impure shell around planReminders: load state, plan, write to the outbox, remember the tick; plus pause, mute and preview. */
import cron, { type ScheduledTask } from 'node-cron';
import type { PrismaClient } from '../store/db.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Messages } from '../prompts/index.ts';
import type { Sender } from '../send/sender.ts';
import { MessageTooLargeError } from '../send/sender.ts';
import { audit } from '../store/audit.ts';
import type { CycleTemplate } from '../domain/calendar.ts';
import type { ReminderPolicy } from '../domain/reminder-policy.ts';
import { isQuiet } from '../domain/reminder-time.ts';
import { planReminders, previewReminders, slotsBetween, windowStart, type Reminder } from '../domain/reminders.ts';
import { reminderCard, type ReminderTaskLinks } from '../cards/reminders.ts';
import { tierName } from '../store/cycle.ts';
import { loadCampaignDates, loadPlanState, type LoadContext } from './load.ts';
import type { ReminderSources } from './sources.ts';

export interface SchedulerOptions {
  prisma: PrismaClient;
  sender: Sender;
  clock: Clock;
  logger: Logger;
  messages: Messages;
  timezone: string;
  cycle: CycleTemplate;
  policy: ReminderPolicy;
  sources: ReminderSources;
  /** Other time-driven upkeep run after each tick (e.g. ending idle dialogs); its failure never stops reminders. */
  housekeeping?: () => Promise<unknown>;
  /**
   * Several instances on one database (PostgreSQL): each tick runs holding this lock and reads the state row fresh, so
   * two instances ticking at once plan each window once.
   */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Open Feishu tasks by application (and inspector), so reminders point at them instead of repeating their lists. */
  taskLinks?: (applicationIds: number[]) => Promise<ReminderTaskLinks>;
}

export interface TickResult {
  /** Reminders that fell due in this tick's window (whatever became of them). */
  planned: number;
  /** Newly written to the outbox. */
  enqueued: number;
  /** Already in the outbox (a repeated or overlapping tick, or a restart): not sent again. */
  duplicates: number;
  /** No longer useful (deadline passed) or superseded by a later one: not sent, audited. */
  dropped: number;
  /** Not sent because the recipient used /mute. */
  muted: number;
  /** Why the tick did nothing: paused, inside quiet hours (what is due waits), or the clock is not past the last tick. */
  skipped?: 'paused' | 'quiet' | 'clock';
}

export interface SchedulerStatus {
  paused: boolean;
  pausedBy: string | null;
  pausedAt: Date | null;
  lastTickAt: Date | null;
}

const ACTOR = 'system:reminders';
const ZERO: TickResult = { planned: 0, enqueued: 0, duplicates: 0, dropped: 0, muted: 0 };

export class Scheduler {
  private chain: Promise<unknown> = Promise.resolve();
  private task: ScheduledTask | null = null;
  /**
   * The state row as this process last read or wrote it. One bot process owns the SQLite file, and every change to
   * the row goes through this class, so a tick need not read it again.
   */
  private cached: SchedulerStatus | null = null;
  private readonly log: Logger;

  constructor(private readonly o: SchedulerOptions) {
    this.log = o.logger.child({ mod: 'reminders' });
  }

  get policy(): ReminderPolicy {
    return this.o.policy;
  }

  private get load(): LoadContext {
    return { prisma: this.o.prisma, policy: this.o.policy, cycle: this.o.cycle, timezone: this.o.timezone, sources: this.o.sources };
  }

  /** Runs `fn` after every earlier tick or state change of this process has finished (ticks never overlap in one process). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Plans what fell due since the last tick and writes it to the outbox. Safe to call at any time, any number of times. */
  tick(): Promise<TickResult> {
    return this.serial(async () => {
      const result = this.o.exclusive ? await this.o.exclusive(() => this.runTick()) : await this.runTick();
      await this.o.housekeeping?.().catch((err) => this.log.error({ err }, 'housekeeping after the reminder tick failed'));
      return result;
    });
  }

  private async read(): Promise<SchedulerStatus> {
    const found =
      (await this.o.prisma.reminderSchedulerState.findUnique({ where: { id: 1 } })) ??
      (await this.o.prisma.reminderSchedulerState
        .upsert({ where: { id: 1 }, create: { id: 1, updatedAt: this.o.clock.now() }, update: {} })
        // Another instance created the row between our read and our insert (P2002 on PostgreSQL): read theirs.
        .catch(async (err: unknown) => {
          if ((err as { code?: string }).code !== 'P2002') throw err;
          return this.o.prisma.reminderSchedulerState.findUniqueOrThrow({ where: { id: 1 } });
        }));
    this.cached = { paused: found.paused, pausedBy: found.pausedBy, pausedAt: found.pausedAt, lastTickAt: found.lastTickAt };
    return this.cached;
  }

  private async row(): Promise<SchedulerStatus> {
    // Another instance may have changed the row (a pause, a tick): with several instances, always read it.
    return (this.o.exclusive ? null : this.cached) ?? this.read();
  }

  private async runTick(): Promise<TickResult> {
    const now = this.o.clock.now();
    const { policy, timezone } = this.o;
    // Quiet hours first: nothing is due then (deliveries are moved out of them), and a catch-up waits for the morning.
    if (isQuiet(policy.quietHours, now, timezone)) return { ...ZERO, skipped: 'quiet' };
    const row = await this.row();
    if (row.paused) return { ...ZERO, skipped: 'paused' };
    const from = windowStart({ lastTickAt: row.lastTickAt, policy }, now);
    if (now.getTime() <= from.getTime()) return { ...ZERO, skipped: 'clock' };

    const campaigns = await loadCampaignDates(this.load);
    const slots = slotsBetween({ policy, timezone }, campaigns, from, now);
    const result = { ...ZERO };
    if (slots.length) {
      const state = await loadPlanState(this.load, campaigns, slots, row.lastTickAt, now);
      const plan = planReminders(state, now);
      result.planned = plan.length;
      await this.fanOut(plan.filter((r) => r.disposition === 'send'), result);
      result.muted = plan.filter((r) => r.disposition === 'muted').length;
      result.dropped = await this.auditDropped(plan.filter((r) => r.disposition === 'expired' || r.disposition === 'superseded'), now);
    }
    await this.o.prisma.reminderSchedulerState.update({ where: { id: 1 }, data: { lastTickAt: now, updatedAt: now } });
    this.cached = { ...row, lastTickAt: now };
    if (result.planned) this.log.info({ ...result, from: from.toISOString(), to: now.toISOString() }, 'reminder tick');
    return result;
  }

  private async fanOut(send: Reminder[], result: TickResult): Promise<void> {
    const tierOf = (id: string) => tierName(this.o.cycle, id);
    const ids = send.flatMap((r) => (r.content.kind === 'branch_manager' ? r.content.applications.map((a) => a.applicationId) : r.content.kind === 'inspector' ? r.content.visits.map((v) => v.applicationId) : []));
    const tasks = this.o.taskLinks && ids.length ? await this.o.taskLinks([...new Set(ids)]).catch((err: unknown) => (this.log.warn({ err }, 'could not look up Feishu tasks; reminders list the items instead'), undefined)) : undefined;
    const every = send.length >= 1000 ? 500 : 100;
    for (let i = 0; i < send.length; i++) {
      const r = send[i]!;
      try {
        const res = await this.o.sender.enqueue({
          op: 'create',
          receiveIdType: r.to.type,
          receiveId: r.to.id,
          msgType: 'interactive',
          content: reminderCard(this.o.messages, r.content, { tierName: tierOf, tasks, to: r.to.id }),
          dedupeKey: r.dedupeKey,
        });
        if (res.duplicate) result.duplicates++;
        else result.enqueued++;
      } catch (err) {
        if (!(err instanceof MessageTooLargeError)) throw err;
        this.log.error({ err, dedupeKey: r.dedupeKey }, 'reminder card too large; not sent (shorten its lists in src/cards/reminders.ts)');
      }
      if ((i + 1) % every === 0 && i + 1 < send.length) this.log.info({ done: i + 1, total: send.length }, 'reminder fan-out progress');
    }
    if (send.length >= every) this.log.info({ done: send.length, total: send.length, enqueued: result.enqueued }, 'reminder fan-out written to the outbox; the sender paces delivery');
  }

  /** One audit line per dropped reminder occasion (campaign, milestone, offset, audience, reason), naming its recipients. */
  private async auditDropped(candidates: Reminder[], now: Date): Promise<number> {
    // A reminder already in the outbox was sent (a re-planned window after a crash): it is not dropped.
    const sent = new Set<string>();
    for (let i = 0; i < candidates.length; i += 500) {
      const keys = candidates.slice(i, i + 500).map((r) => r.dedupeKey);
      for (const r of await this.o.prisma.outboxMessage.findMany({ where: { dedupeKey: { in: keys } }, select: { dedupeKey: true } })) sent.add(r.dedupeKey!);
    }
    const dropped = candidates.filter((r) => !sent.has(r.dedupeKey));
    const groups = new Map<string, Reminder[]>();
    for (const r of dropped) {
      const k = `${r.campaignId}/${r.milestone}/${r.offsetLabel}/${r.kind}/${r.disposition}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    for (const [k, list] of groups) {
      const first = list[0]!;
      await audit(this.o.prisma, {
        actorId: ACTOR,
        action: 'reminder.dropped',
        target: k.split('/').slice(0, 4).join('/'),
        before: { dueAt: first.deliverAt.toISOString(), expiresAt: first.expiresAt.toISOString() },
        after: { reason: first.disposition === 'expired' ? 'no longer useful: its deadline passed before it could be sent' : 'superseded by a later reminder due at the same time', count: list.length, recipients: list.slice(0, 50).map((r) => r.recipient) },
        at: now,
      });
    }
    if (dropped.length) this.log.warn({ dropped: dropped.length, occasions: groups.size }, 'reminders dropped (see audit log, action reminder.dropped)');
    return dropped.length;
  }

  /** What would go out in the next `days` days with today's data; sends nothing. */
  async preview(days: number): Promise<{ reminders: Reminder[]; names: Map<string, string>; regions: Map<number, string>; status: SchedulerStatus }> {
    const now = this.o.clock.now();
    const until = new Date(now.getTime() + days * 86_400_000);
    const campaigns = await loadCampaignDates(this.load);
    const slots = slotsBetween({ policy: this.o.policy, timezone: this.o.timezone }, campaigns, now, until);
    const state = await loadPlanState(this.load, campaigns, slots, null, now);
    return { reminders: previewReminders(state, now, until), names: state.names, regions: new Map(state.regions.map((r) => [r.id, r.name])), status: await this.status() };
  }

  /** Paused or not, by whom, and when the last tick ran (read from the database). */
  status(): Promise<SchedulerStatus> {
    return this.serial(() => this.read());
  }

  /** Holds every reminder until resumed (audited). Returns false when already paused. */
  pause(actorId: string): Promise<boolean> {
    return this.serial(() => this.setPaused(actorId, true));
  }

  /** Resumes; the next tick sends, once, what fell due meanwhile and is still useful (audited). */
  resume(actorId: string): Promise<boolean> {
    return this.serial(() => this.setPaused(actorId, false));
  }

  private async setPaused(actorId: string, paused: boolean): Promise<boolean> {
    await this.read();
    const now = this.o.clock.now();
    const changed = await this.o.prisma.$transaction(async (tx) => {
      const res = await tx.reminderSchedulerState.updateMany({ where: { id: 1, paused: !paused }, data: paused ? { paused, pausedBy: actorId, pausedAt: now, updatedAt: now } : { paused, updatedAt: now } });
      if (res.count !== 1) return false;
      await audit(tx, { actorId, action: paused ? 'reminders.pause' : 'reminders.resume', target: 'reminders', before: { paused: !paused }, after: { paused }, at: now });
      return true;
    });
    await this.read();
    return changed;
  }

  /** Silences non-critical reminders for one person (audited). Returns false when already muted. */
  async mute(openId: string): Promise<boolean> {
    const now = this.o.clock.now();
    return this.o.prisma.$transaction(async (tx) => {
      if (await tx.reminderMute.findUnique({ where: { openId } })) return false;
      await tx.reminderMute.create({ data: { openId, createdAt: now } });
      await audit(tx, { actorId: openId, action: 'reminders.mute', target: openId, before: { muted: false }, after: { muted: true }, at: now });
      return true;
    });
  }

  async unmute(openId: string): Promise<boolean> {
    const now = this.o.clock.now();
    return this.o.prisma.$transaction(async (tx) => {
      const res = await tx.reminderMute.deleteMany({ where: { openId } });
      if (res.count === 0) return false;
      await audit(tx, { actorId: openId, action: 'reminders.unmute', target: openId, before: { muted: true }, after: { muted: false }, at: now });
      return true;
    });
  }

  /** Starts the cron job (BOT_TIMEZONE) and runs one tick at once, which sends what fell due while the bot was down. */
  start(): void {
    if (this.task) return;
    const logger = {
      info: (msg: string) => this.log.debug(msg),
      warn: (msg: string) => this.log.warn(msg),
      error: (msg: string | Error) => this.log.error({ err: msg }, 'node-cron error'),
      debug: (msg: string | Error) => this.log.debug({ msg: String(msg) }),
    };
    this.task = cron.schedule(this.o.policy.tick, () => this.scheduled(), { timezone: this.o.timezone, name: 'reminders', noOverlap: true, logger });
    void this.scheduled();
    this.log.info({ cron: this.o.policy.tick, timezone: this.o.timezone }, 'reminder scheduler started');
  }

  private async scheduled(): Promise<void> {
    try {
      await this.tick();
    } catch (err) {
      this.log.error({ err }, 'reminder tick failed; the next tick plans the same window again (the outbox dedupe key prevents repeats)');
    }
  }

  /** Stops the cron job and waits for a running tick to finish. */
  async stop(): Promise<void> {
    const t = this.task;
    this.task = null;
    if (t) await t.destroy();
    await this.chain;
  }
}
