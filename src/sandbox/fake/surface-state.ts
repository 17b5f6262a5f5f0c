/** Why: the fake's memory of tasks, urgent marks, read receipts and Bases, kept apart from messages so its routes stay thin. */
import { randomUUID } from 'node:crypto';
import { hex, type FakeState } from './state.ts';

/** A task as task v2 answers it (the fields the bot and the sandbox page use, plus the ones Feishu always returns). */
export interface FakeTask {
  guid: string;
  task_id: string;
  summary: string;
  description: string;
  due?: { timestamp: string; is_all_day: boolean };
  completed_at: string;
  members: Array<{ id: string; type: string; role: string }>;
  origin?: { platform_i18n_name?: Record<string, string>; href?: { url?: string; title?: string } };
  extra?: string;
  url: string;
  created_at: string;
  updated_at: string;
  clientToken?: string;
  deleted: boolean;
  /** Every change the bot made, in order (create, patch fields, delete), for tests. */
  history: string[];
}

export interface FakeField {
  field_id: string;
  field_name: string;
  type: number;
}

export interface FakeRecord {
  record_id: string;
  fields: Record<string, unknown>;
  created_time: number;
  last_modified_time: number;
}

export interface FakeTable {
  table_id: string;
  name: string;
  revision: number;
  fields: FakeField[];
  records: FakeRecord[];
}

export interface FakeBase {
  app_token: string;
  name: string;
  url: string;
  time_zone: string;
  tables: FakeTable[];
  /** Collaborators added through drive permission members: open_id → perm. */
  members: Map<string, string>;
  createdAt: number;
}

export interface FakeUrgent {
  messageId: string;
  openId: string;
  at: Date;
}

export class SurfaceState {
  readonly tasks = new Map<string, FakeTask>();
  readonly bases = new Map<string, FakeBase>();
  readonly urgents: FakeUrgent[] = [];
  /** message_id → (open_id → read time in ms). */
  readonly reads = new Map<string, Map<string, number>>();
  /** A client_token's first answer, replayed for repeats (task create, record batch create). */
  readonly tokens = new Map<string, unknown>();
  private taskSeq = 100000;

  constructor(readonly fake: FakeState) {}

  now(): number {
    return this.fake.now();
  }

  newTask(t: Omit<FakeTask, 'guid' | 'task_id' | 'url' | 'created_at' | 'updated_at' | 'deleted' | 'history'>): FakeTask {
    const guid = randomUUID();
    const num = ++this.taskSeq;
    const at = String(this.now());
    const task: FakeTask = {
      ...t, guid, task_id: `t${num}`, url: `https://applink.feishu.cn/client/todo/detail?guid=${guid}&suite_entity_num=t${num}`,
      created_at: at, updated_at: at, deleted: false, history: ['create'],
    };
    this.tasks.set(guid, task);
    return task;
  }

  /** Live tasks in which this person is a member (assignee or follower), newest first. */
  tasksOf(openId: string): FakeTask[] {
    return [...this.tasks.values()].filter((t) => !t.deleted && t.members.some((m) => m.id === openId)).reverse();
  }

  newBase(name: string, timeZone: string): FakeBase {
    const token = `bascn${hex(11)}`;
    const base: FakeBase = { app_token: token, name, url: `https://fake-tenant.feishu.cn/base/${token}`, time_zone: timeZone, tables: [], members: new Map(), createdAt: this.now() };
    this.bases.set(token, base);
    return base;
  }

  newTable(base: FakeBase, name: string, fields: Array<{ field_name: string; type: number }>): FakeTable {
    const table: FakeTable = {
      table_id: `tbl${hex(8)}`, name, revision: 1, records: [],
      fields: fields.map((f) => ({ field_id: `fld${hex(5)}`, field_name: f.field_name, type: f.type })),
    };
    base.tables.push(table);
    return table;
  }

  newRecord(table: FakeTable, fields: Record<string, unknown>): FakeRecord {
    const now = this.now();
    const r: FakeRecord = { record_id: `rec${hex(5)}`, fields: { ...fields }, created_time: now, last_modified_time: now };
    table.records.push(r);
    table.revision++;
    return r;
  }

  markRead(messageId: string, openId: string): boolean {
    const m = this.reads.get(messageId) ?? new Map<string, number>();
    this.reads.set(messageId, m);
    if (m.has(openId)) return false;
    m.set(openId, this.now());
    return true;
  }

  /** Unread urgent marks a person has (Feishu refuses more than 200). */
  unreadUrgents(openId: string): number {
    return this.urgents.filter((u) => u.openId === openId && !this.reads.get(u.messageId)?.has(openId)).length;
  }

  clear(): void {
    this.tasks.clear();
    this.bases.clear();
    this.urgents.length = 0;
    this.reads.clear();
    this.tokens.clear();
  }
}
