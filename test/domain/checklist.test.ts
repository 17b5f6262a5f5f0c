/** Why: the checklist words are typed by hand, days apart, in many shapes; each shape and its progress maths are pinned here. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChecklistFileError, itemByNo, loadChecklist, parseChecklistCommand, progress, setDone, setNote } from '../../src/domain/checklist.ts';

const list = loadChecklist(readFileSync(new URL('../../prompts/zh-CN/checklist.yaml', import.meta.url), 'utf8'), 'prompts/zh-CN/checklist.yaml');

describe('parseChecklistCommand', () => {
  it.each<[string, ReturnType<typeof parseChecklistCommand>]>([
    ['完成 6', { op: 'done', no: 6 }],
    ['完成6', { op: 'done', no: 6 }],
    ['完成 ６', { op: 'done', no: 6 }],
    ['完成第6项', { op: 'done', no: 6 }],
    ['完成 第 6 项', { op: 'done', no: 6 }],
    ['完成六', { op: 'done', no: 6 }],
    ['完成第十项', { op: 'done', no: 10 }],
    ['已完成 2 已盖章', { op: 'done', no: 2, note: '已盖章' }],
    ['完成2，已盖章', { op: 'done', no: 2, note: '已盖章' }],
    ['done 3', { op: 'done', no: 3 }],
    ['撤销 3', { op: 'undo', no: 3 }],
    ['取消完成三', { op: 'undo', no: 3 }],
    ['备注 3 投诉记录在档案室', { op: 'note', no: 3, note: '投诉记录在档案室' }],
    ['备注 3 记录在档案室，周五前扫描（ＡＢ）', { op: 'note', no: 3, note: '记录在档案室，周五前扫描（ＡＢ）' }],
    ['备注：3 内容', { op: 'note', no: 3, note: '内容' }],
    ['备注 3', null], // a note needs its text
    ['完成', null],
    ['完成了吗', null],
    ['完成全部材料', null],
    ['我完成 6', null],
  ])('%s', (text, expected) => {
    const r = parseChecklistCommand(text);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toEqual(expected.note === undefined ? { op: expected.op, no: expected.no, note: undefined } : expected);
  });
});

describe('progress and changes', () => {
  it('counts done and required items and lists what is missing with its number', () => {
    const state = setDone(setDone({}, 'form', true, 't1'), 'cases', true, 't1');
    const p = progress(list, state);
    expect(p).toMatchObject({ done: 2, total: list.items.length, requiredDone: 1, complete: false });
    expect(p.missing.map((m) => m.no)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(progress(list, Object.fromEntries(list.items.map((i) => [i.id, { done: i.required }]))).complete).toBe(true);
  });

  it('setting done twice is the same as once; a note keeps the done state; undo keeps the note', () => {
    const once = setDone({}, 'form', true, 't1');
    expect(setDone(once, 'form', true, 't1')).toEqual(once);
    const noted = setNote(once, 'form', '已盖章', 't2');
    expect(noted.form).toEqual({ done: true, note: '已盖章', at: 't2' });
    expect(setDone(noted, 'form', false, 't3').form).toEqual({ done: false, note: '已盖章', at: 't3' });
  });

  it('itemByNo is 1-based and refuses what is out of range', () => {
    expect(itemByNo(list, 1)?.id).toBe('form');
    expect(itemByNo(list, 0)).toBeNull();
    expect(itemByNo(list, list.items.length + 1)).toBeNull();
  });

  it('a checklist file with a repeated id is refused, naming the file and the item', () => {
    expect(() => loadChecklist('version: 1\nitems:\n  - { id: a, title: A, required: true }\n  - { id: a, title: B, required: false }\n', 'x.yaml')).toThrow(ChecklistFileError);
    expect(() => loadChecklist('version: 1\nitems:\n  - { id: a, title: A, required: true }\n  - { id: a, title: B, required: false }\n', 'x.yaml')).toThrow('x.yaml: items[1].id: duplicate id "a"');
  });
});
