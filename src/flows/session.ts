/** Why: multi-step dialogs are explicit state machines; this persists their state with a version and an expiry. */
import type { PrismaClient } from '../store/db.ts';

export interface Session<S> {
  id: number;
  userId: string;
  flow: string;
  state: S;
  /** Bumped on every save; a card carries the version it was drawn at, so a stale click is recognised. */
  version: number;
  expiresAt: Date;
}

export class StaleSessionError extends Error {
  constructor() {
    super('The dialog moved on while this step was being handled; the step was not applied. Show the current step again.');
    this.name = 'StaleSessionError';
  }
}

export class SessionStore<S> {
  constructor(
    private readonly prisma: PrismaClient,
    readonly flow: string,
    private readonly now: () => Date,
    private readonly idleMs: number,
  ) {}

  /** The live session, or null. An expired session is returned as `expired` so the caller can say so kindly. */
  async load(userId: string): Promise<{ session: Session<S> | null; expired: Session<S> | null }> {
    const row = await this.prisma.conversationSession.findUnique({ where: { userId_flow_key: { userId, flow: this.flow, key: '' } } });
    if (!row) return { session: null, expired: null };
    const s: Session<S> = { id: row.id, userId, flow: this.flow, state: JSON.parse(row.state) as S, version: row.version, expiresAt: row.expiresAt };
    return row.expiresAt.getTime() <= this.now().getTime() ? { session: null, expired: s } : { session: s, expired: null };
  }

  /** Starts (or restarts) the dialog with a fresh state. */
  async start(userId: string, state: S): Promise<Session<S>> {
    const expiresAt = new Date(this.now().getTime() + this.idleMs);
    const data = { state: JSON.stringify(state), expiresAt, updatedAt: this.now() };
    const row = await this.prisma.conversationSession.upsert({
      where: { userId_flow_key: { userId, flow: this.flow, key: '' } },
      create: { userId, flow: this.flow, key: '', version: 1, createdAt: this.now(), ...data },
      update: { ...data, version: { increment: 1 } },
    });
    return { id: row.id, userId, flow: this.flow, state, version: row.version, expiresAt };
  }

  /** Saves the next state if nobody saved in between (optimistic); returns the new session. */
  async save(s: Session<S>, state: S): Promise<Session<S>> {
    const expiresAt = new Date(this.now().getTime() + this.idleMs);
    const res = await this.prisma.conversationSession.updateMany({
      where: { id: s.id, version: s.version },
      data: { state: JSON.stringify(state), version: s.version + 1, expiresAt, updatedAt: this.now() },
    });
    if (res.count !== 1) throw new StaleSessionError();
    return { ...s, state, version: s.version + 1, expiresAt };
  }

  async end(userId: string): Promise<boolean> {
    const res = await this.prisma.conversationSession.deleteMany({ where: { userId, flow: this.flow, key: '' } });
    return res.count > 0;
  }

  /** Sessions idle past their expiry, removed and returned (so the caller can send each a friendly note once). */
  async sweepExpired(): Promise<Array<Session<S>>> {
    const rows = await this.prisma.conversationSession.findMany({ where: { flow: this.flow, expiresAt: { lte: this.now() } }, take: 500 });
    const out: Array<Session<S>> = [];
    for (const row of rows) {
      const res = await this.prisma.conversationSession.deleteMany({ where: { id: row.id, version: row.version } });
      if (res.count === 1) out.push({ id: row.id, userId: row.userId, flow: this.flow, state: JSON.parse(row.state) as S, version: row.version, expiresAt: row.expiresAt });
    }
    return out;
  }
}
