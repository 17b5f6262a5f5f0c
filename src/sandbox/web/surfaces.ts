/** Why: the sandbox page's view of the work surfaces: each person's Feishu tasks and the Bases shared with them, read from the fake. */
import express from 'express';
import { z } from 'zod';
import { toLocalDate } from '../../domain/dates.ts';
import type { FakeBase, FakeTask } from '../fake/index.ts';
import type { Sandbox } from './index.ts';

/** Rows of a table the page shows (a Base holds thousands; the page is for seeing that it works). */
export const MAX_ROWS = 200;

const query = z.object({ as: z.string().regex(/^ou_\w{1,64}$/) });

export interface TaskView {
  guid: string;
  summary: string;
  description: string;
  due: string | null;
  done: boolean;
  url: string;
}

export interface TableView {
  name: string;
  fields: string[];
  rows: unknown[][];
  total: number;
}

export interface BaseView {
  name: string;
  url: string;
  perm: string;
  tables: TableView[];
}

export function taskView(t: FakeTask, timeZone: string): TaskView {
  return {
    guid: t.guid, summary: t.summary, description: t.description, url: t.url, done: t.completed_at !== '0',
    due: t.due ? toLocalDate(new Date(Number(t.due.timestamp)), timeZone) : null,
  };
}

export function baseView(b: FakeBase, perm: string): BaseView {
  return {
    name: b.name, url: b.url, perm,
    tables: b.tables.map((t) => ({
      name: t.name, total: t.records.length, fields: t.fields.map((f) => f.field_name),
      rows: t.records.slice(0, MAX_ROWS).map((r) => t.fields.map((f) => r.fields[f.field_name] ?? null)),
    })),
  };
}

/** GET /sandbox/api/surfaces?as=ou_…: the person's tasks (open first) and the Bases they may open. */
export function surfacesRoutes(sb: Sandbox): express.Router {
  const r = express.Router();
  r.get('/sandbox/api/surfaces', (req, res) => {
    const { as } = query.parse(req.query);
    const tasks = sb.fake.surfaces.tasksOf(as).map((t) => taskView(t, sb.config.timezone)).sort((a, b) => Number(a.done) - Number(b.done));
    const bases = [...sb.fake.surfaces.bases.values()].filter((b) => b.members.has(as)).map((b) => baseView(b, b.members.get(as)!));
    res.set('cache-control', 'no-store').json({ tasks, bases });
  });
  return r;
}
