/** Why: the application's materials checklist is data (prompts/zh-CN/checklist.yaml); this validates it and computes progress. */
import { z } from 'zod';
import { parse } from 'yaml';

const itemSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case id such as "form"'),
  title: z.string().min(1),
  required: z.boolean(),
  hint: z.string().optional(),
});

export const checklistSchema = z
  .strictObject({ version: z.literal(1), items: z.array(itemSchema).min(1) })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.items.forEach((it, i) => {
      if (seen.has(it.id)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate id "${it.id}"` });
      seen.add(it.id);
    });
  });

export type Checklist = z.infer<typeof checklistSchema>;
export type ChecklistItem = Checklist['items'][number];

/** Progress per item id; unknown ids (items removed from the file) are ignored. */
export type ChecklistState = Record<string, { done: boolean; note?: string; at?: string }>;

export class ChecklistFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(problems.map((p) => `${file}: ${p}`).join('\n') + '\nFix the file; every item needs id, title and required.');
    this.name = 'ChecklistFileError';
  }
}

export function loadChecklist(text: string, file: string): Checklist {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ChecklistFileError(file, [`(yaml): ${(err as Error).message}`]);
  }
  const r = checklistSchema.safeParse(raw);
  if (!r.success) throw new ChecklistFileError(file, r.error.issues.map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')}: ${i.message}`));
  return r.data;
}

export interface Progress {
  done: number;
  total: number;
  requiredDone: number;
  requiredTotal: number;
  /** Required items not yet done, in list order, with their 1-based display numbers. */
  missing: Array<{ no: number; item: ChecklistItem }>;
  complete: boolean;
}

export function progress(list: Checklist, state: ChecklistState): Progress {
  const missing: Progress['missing'] = [];
  let done = 0;
  let requiredDone = 0;
  let requiredTotal = 0;
  list.items.forEach((item, i) => {
    const isDone = state[item.id]?.done === true;
    if (isDone) done++;
    if (item.required) {
      requiredTotal++;
      if (isDone) requiredDone++;
      else missing.push({ no: i + 1, item });
    }
  });
  return { done, total: list.items.length, requiredDone, requiredTotal, missing, complete: missing.length === 0 };
}

/** Sets an item done or not (idempotent: setting it twice is the same as once), keeping any note. */
export function setDone(state: ChecklistState, itemId: string, done: boolean, at: string): ChecklistState {
  const prev = state[itemId];
  return { ...state, [itemId]: { ...prev, done, at } };
}

export function setNote(state: ChecklistState, itemId: string, note: string, at: string): ChecklistState {
  const prev = state[itemId] ?? { done: false };
  return { ...state, [itemId]: { ...prev, note, at } };
}

/** The item at a 1-based display number, or null. */
export function itemByNo(list: Checklist, no: number): ChecklistItem | null {
  return Number.isInteger(no) && no >= 1 && no <= list.items.length ? list.items[no - 1]! : null;
}

/** A checklist command: mark item `no` done or not done, or add a note to it. */
export interface ChecklistWords {
  op: 'done' | 'undo' | 'note';
  no: number;
  note?: string;
}

const CN_NUMBERS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12, 十三: 13, 十四: 14, 十五: 15 };

/**
 * Parses "完成 3", "完成3 已盖章", "完成第六项", "撤销 3", "取消完成三", "备注 3 内容", "备注：3 内容" (full-width digits and
 * spaces allowed). The verb must open the message, so "我完成 6" is a guess for the not-understood answer, not an act.
 */
export function parseChecklistCommand(text: string): ChecklistWords | null {
  // Only digits and spaces are folded: the note is kept exactly as typed.
  const t = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ').trim();
  const m = /^(完成|已完成|done|撤销|取消完成|undo|备注|note)\s*[:：]?\s*(?:第)?\s*(\d{1,3}|十[一二三四五]?|[一二两三四五六七八九])\s*(?:项)?[\s,，:：]*([\s\S]*)$/i.exec(t);
  if (!m) return null;
  const verb = m[1]!.toLowerCase();
  const op = ['撤销', '取消完成', 'undo'].includes(verb) ? 'undo' : ['备注', 'note'].includes(verb) ? 'note' : 'done';
  const note = m[3]?.trim() || undefined;
  if (op === 'note' && !note) return null;
  return { op, no: CN_NUMBERS[m[2]!] ?? Number(m[2]), note };
}
