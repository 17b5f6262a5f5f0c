/** Why: the lasting side of rules questions: each question and what the bot quoted, forwarding, the secretariat's answers and added rows. */
import type { PrismaClient } from '../store/db.ts';
import { audit } from '../store/audit.ts';
import type { RulesResult } from './search.ts';
import type { TableEntry } from './table.ts';
import { parts } from './table.ts';

export type QuestionStatus = 'ANSWERED' | 'FORWARDED' | 'REPLIED';

export interface QuestionView {
  id: number;
  messageId: string;
  askerOpenId: string;
  chatId: string;
  text: string;
  result: RulesResult;
  status: QuestionStatus;
  forwardedAt: Date | null;
  answer: string | null;
  answerRef: string | null;
  answeredBy: string | null;
  createdAt: Date;
}

export interface LearnedView {
  id: number;
  example: string;
  terms: string[];
  ref: string;
  answer: string;
  createdBy: string;
  createdAt: Date;
}

type Row = Awaited<ReturnType<PrismaClient['ruleQuestion']['findUniqueOrThrow']>>;

function view(r: Row): QuestionView {
  return { ...r, result: JSON.parse(r.result) as RulesResult, status: r.status as QuestionStatus };
}

export type ForwardOutcome = { ok: true; q: QuestionView } | { ok: false; why: 'missing' | 'not_asker' | 'already'; q?: QuestionView };
export type ReplyOutcome = { ok: true; q: QuestionView; entryId: number | null } | { ok: false; why: 'missing' | 'not_forwarded' | 'already'; q?: QuestionView };

export class RuleStore {
  /** `changed` runs after a learned row was added or removed (the service re-reads its rows). */
  constructor(private readonly prisma: PrismaClient, private readonly now: () => Date, private readonly changed: () => void = () => {}) {}

  /** Records a question once per Feishu message; a redelivered event gets the row written the first time. */
  async record(q: { messageId: string; askerOpenId: string; chatId: string; text: string; result: RulesResult }): Promise<QuestionView> {
    // One INSERT in the usual case; the unique message id turns a repeat into a read of the first row.
    try {
      return view(await this.prisma.ruleQuestion.create({ data: { ...q, result: JSON.stringify(q.result), createdAt: this.now() } }));
    } catch (err) {
      if ((err as { code?: string }).code !== 'P2002') throw err;
      return view(await this.prisma.ruleQuestion.findUniqueOrThrow({ where: { messageId: q.messageId } }));
    }
  }

  async get(id: number): Promise<QuestionView | null> {
    const row = await this.prisma.ruleQuestion.findUnique({ where: { id } });
    return row && view(row);
  }

  /** The asker sends the question on to the secretariat: ANSWERED → FORWARDED, once, audited. */
  async forward(id: number, openId: string): Promise<ForwardOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.ruleQuestion.findUnique({ where: { id } });
      if (!row) return { ok: false, why: 'missing' } as const;
      if (row.askerOpenId !== openId) return { ok: false, why: 'not_asker', q: view(row) } as const;
      const at = this.now();
      const moved = await tx.ruleQuestion.updateMany({ where: { id, status: 'ANSWERED' }, data: { status: 'FORWARDED', forwardedAt: at } });
      if (moved.count === 0) return { ok: false, why: 'already', q: view(row) } as const;
      await audit(tx, { actorId: openId, action: 'rules.forward', target: `rule_question:${id}`, before: { status: row.status }, after: { status: 'FORWARDED' }, at });
      return { ok: true, q: view(await tx.ruleQuestion.findUniqueOrThrow({ where: { id } })) } as const;
    });
  }

  /**
   * A secretariat member answers a forwarded question: FORWARDED → REPLIED, once; with `learn`, the answer also becomes
   * a row of the table (it must cite a passage: no article, no answer). One transaction, audited.
   */
  async reply(id: number, by: string, a: { answer: string; ref: string | null; learn: boolean; terms: string[] }): Promise<ReplyOutcome> {
    const out = await this.prisma.$transaction(async (tx): Promise<ReplyOutcome> => {
      const row = await tx.ruleQuestion.findUnique({ where: { id } });
      if (!row) return { ok: false, why: 'missing' } as const;
      if (row.status === 'REPLIED') return { ok: false, why: 'already', q: view(row) } as const;
      if (row.status !== 'FORWARDED') return { ok: false, why: 'not_forwarded', q: view(row) } as const;
      const at = this.now();
      const moved = await tx.ruleQuestion.updateMany({ where: { id, status: 'FORWARDED' }, data: { status: 'REPLIED', answer: a.answer, answerRef: a.ref, answeredBy: by, answeredAt: at } });
      if (moved.count === 0) return { ok: false, why: 'already', q: view(row) } as const;
      await audit(tx, { actorId: by, action: 'rules.reply', target: `rule_question:${id}`, before: { status: row.status }, after: { status: 'REPLIED', answer: a.answer, ref: a.ref }, at });
      let entryId: number | null = null;
      if (a.learn && a.ref) {
        const e = await tx.ruleEntry.create({ data: { questionId: id, example: row.text, terms: JSON.stringify(a.terms), ref: a.ref, answer: a.answer, createdBy: by, createdAt: at } });
        entryId = e.id;
        await audit(tx, { actorId: by, action: 'rules.entry_add', target: `rule_entry:${e.id}`, after: { questionId: id, example: row.text, terms: a.terms, ref: a.ref, answer: a.answer }, at });
      }
      return { ok: true, q: view(await tx.ruleQuestion.findUniqueOrThrow({ where: { id } })), entryId } as const;
    });
    if (out.ok && out.entryId) this.changed();
    return out;
  }

  /** Questions forwarded and not yet answered, oldest first. */
  async pending(limit = 20): Promise<QuestionView[]> {
    const rows = await this.prisma.ruleQuestion.findMany({ where: { status: 'FORWARDED' }, orderBy: { id: 'asc' }, take: limit });
    return rows.map(view);
  }

  async learned(): Promise<LearnedView[]> {
    const rows = await this.prisma.ruleEntry.findMany({ where: { removedAt: null }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ id: r.id, example: r.example, terms: JSON.parse(r.terms) as string[], ref: r.ref, answer: r.answer, createdBy: r.createdBy, createdAt: r.createdAt }));
  }

  /** Changes whenever a row is added or removed, so every instance can tell its cached rows are stale. */
  async learnedVersion(): Promise<string> {
    // One query: adding raises the highest id, removing raises the count of removed rows.
    const a = await this.prisma.ruleEntry.aggregate({ _max: { id: true }, _count: { removedAt: true } });
    return `${a._max.id ?? 0}:${a._count.removedAt}`;
  }

  /** Takes an added row out of use (kept, marked removed), audited; false when there is no such active row. */
  async removeLearned(id: number, by: string): Promise<boolean> {
    const removed = await this.prisma.$transaction(async (tx) => {
      const at = this.now();
      const row = await tx.ruleEntry.findUnique({ where: { id } });
      const moved = await tx.ruleEntry.updateMany({ where: { id, removedAt: null }, data: { removedAt: at, removedBy: by } });
      if (!row || moved.count === 0) return false;
      await audit(tx, { actorId: by, action: 'rules.entry_remove', target: `rule_entry:${id}`, before: { example: row.example, ref: row.ref, answer: row.answer }, after: { removedAt: at.toISOString() }, at });
      return true;
    });
    if (removed) this.changed();
    return removed;
  }
}

/** A learned row as the matcher sees it. */
export function asEntry(l: LearnedView): TableEntry {
  return { source: 'learned', id: String(l.id), when: l.terms.map(parts).filter((p) => p.length), examples: [l.example], refs: [l.ref], answer: l.answer, notes: [] };
}
