/** End-to-end: an inspector scores on the card form module by module, drafts are kept, bad values refused, and submit posts results. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, click, say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, elementsOf, inspectionWorld, INSP, MANAGER, type World } from '../helpers/inspections.ts';
import type { FakeMessage } from '../../src/sandbox/fake/index.ts';

let h: Harness;
let w: World;
let appId: number;
let insId: number;
let notice: FakeMessage;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
  appId = await candidate(h, w, { name: '示范支行', tier: 'qian', bank: w.bankId });
  await say(h, SEC, `/inspect assign ${appId} @${INSP}`);
  insId = (await h.prisma.inspection.findFirstOrThrow({ where: { applicationId: appId } })).id;
  notice = h.fake.messagesTo(INSP).at(-1)!;
});
afterEach(async () => h.close());

/** The form's input names on the current card, in order. */
const inputs = (m: FakeMessage) => elementsOf(m.content, 'input').map((i) => i.name as string);

describe('score form', () => {
  it('scores module by module, keeps drafts, refuses an out-of-range value, and posts the result card with its totals and chart', async () => {
    const open = await click(h, INSP, notice, '开始评分');
    expect(open.cardApplied).toBe(true);
    const form = open.card!;
    expect(textOf(form)).toContain('评分 #1 · 1 环境管理');
    expect(textOf(form)).toContain('1.1 室外环境');
    expect(inputs(form).slice(0, 4)).toEqual(['p0', 'r0', 'p1', 'r1']);

    // 1.1.1 门楣标识 is worth 3: deducting 4 is refused and nothing is saved.
    const bad = await click(h, INSP, form, '保存本模块', { formValue: { p0: '4', r0: '门楣污损' } });
    expect(bad.toast?.type).toBe('error');
    expect(bad.toast?.content).toContain('1.1.1 门楣标识：扣分 4 超过该项满分 3');
    const negative = await click(h, INSP, form, '保存本模块', { formValue: { p0: '+1', r0: '加分' } });
    expect(negative.toast?.content).toContain('扣分不能小于 0');
    const noReason = await click(h, INSP, form, '保存本模块', { formValue: { p0: '1' } });
    expect(noReason.toast?.content).toContain('请写明扣分原因');
    expect(await h.prisma.inspectionDeduction.count()).toBe(0);

    // Save module 1 (two deductions) and move on to module 2.
    const saved = await click(h, INSP, form, '保存并进入下一模块', { formValue: { p0: '2', r0: '门楣字体残缺', p3: '-1.5', r3: '门前有杂物', p4: '' } });
    expect(saved.toast?.type).toBe('success');
    expect(textOf(saved.card)).toContain('评分 #1 · 2 服务功能');
    expect(textOf(saved.card)).toContain('当前草稿合计 **996.5 / 1000**');

    // Back to module 1: the drafts are filled in, and can be edited (1.1.1 cleared).
    const back = await click(h, INSP, saved.card!, '上一模块');
    const p0 = elementsOf(back.card!.content, 'input').find((i) => i.name === 'p0');
    expect(p0?.default_value).toBe('2');
    await click(h, INSP, back.card!, '保存本模块', { formValue: { p0: '', r0: '', p3: '1.5', r3: '门前有杂物' } });
    expect((await h.prisma.inspectionDeduction.findMany()).map((d) => [d.itemId, d.points])).toEqual([['1.1.4', 1.5]]);

    // The text command adds one more deduction to the same draft.
    const [t] = await say(h, INSP, `/score ${insId} 5.1 -10 客户到来未起身`);
    expect(textOf(t)).toContain('5.1 站相迎 扣 10 分');
    expect(textOf(t)).toContain('当前合计 988.5 / 1000（未提交）');

    const staleSave = buttonValue(back.card!, '保存本模块');
    const submit = await click(h, INSP, back.card!, '提交评分');
    expect(submit.toast?.type).toBe('success');
    expect(textOf(submit.card)).toContain('已提交任务 #1：本次检查 988.5 / 1000');
    expect(elementsOf(submit.card!.content, 'input')).toHaveLength(0);

    // The region's group gets the result card; the branch manager gets a copy.
    const group = h.fake.messagesTo('oc_bj').at(-1)!;
    const copy = h.fake.messagesTo(MANAGER).at(-1)!;
    expect(copy.content).toBe(group.content);
    const card = textOf(group);
    expect(card).toContain('检查结果 · 示范支行');
    expect(card).toContain('**等级**：千佳　**总分**：988.5 / 1000　**结论**：✅ 合格（合格线 850）');
    expect(card).toContain('5.1 站相迎：-10　客户到来未起身（重大扣分）');
    expect(card).toContain('1.1.4 外部环境整洁：-1.5　门前有杂物');
    const [chart] = elementsOf(group.content, 'chart');
    const spec = chart!.chart_spec as { type: string; data: Array<{ values: Array<{ module: string; kind: string; value: number }> }> };
    expect(spec.type).toBe('bar');
    const values = spec.data[0]!.values;
    expect(values.filter((v) => v.kind === '得分').reduce((s, v) => s + v.value, 0)).toBe(988.5);
    expect(values.find((v) => v.module === '1 环境管理' && v.kind === '扣分')?.value).toBe(1.5);
    expect(values.find((v) => v.module === '5 服务规范' && v.kind === '得分')?.value).toBe(140);

    // Submitted means final: neither the form nor the text command changes it, and a second submit does nothing.
    expect((await click(h, INSP, back.card!, staleSave, { formValue: { p0: '1', r0: 'x' } })).toast?.content).toContain('已提交，评分不能再修改');
    expect(textOf((await say(h, INSP, `/score ${insId} 1.1.1 1 x`))[0])).toContain('已提交');
    expect(textOf((await say(h, INSP, `/score submit ${insId}`))[0])).toContain('已提交');
    expect(h.fake.messagesTo('oc_bj').filter((m) => textOf(m).includes('检查结果 · 示范支行'))).toHaveLength(1);
    const audit = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'inspection.submit' } });
    expect(JSON.parse(audit.after!)).toMatchObject({ status: 'SUBMITTED', total: 988.5, passed: true });
  });

  it('is only for the assigned inspector', async () => {
    await say(h, SEC, '/role grant @ou_other 检查员');
    const r = await click(h, 'ou_other', notice, '开始评分');
    expect(r.toast?.content).toContain('没有分配给您的检查任务 #1');
  });

  it('shows a mystery visit only the modules a customer can see', async () => {
    const other = await candidate(h, w, { name: '暗访网点' });
    await say(h, SEC, `/inspect assign ${other} @${INSP} --kind mystery`);
    const card = h.fake.messagesTo(INSP).at(-1)!;
    const opened = await click(h, INSP, card, '开始评分');
    expect(textOf(opened.card)).toContain('模块 1 / 5');
    const id = (await h.prisma.inspection.findFirstOrThrow({ where: { applicationId: other } })).id;
    expect(textOf((await say(h, INSP, `/score ${id} 3.1 2 制度缺失`))[0])).toContain('3.1 服务管理制度健全 不由神秘客户暗访评分');
  });
});

describe('a revoked inspector (finding 3)', () => {
  it("cannot save or submit through the score card's buttons, nor by text; each attempt is audited and nothing changes", async () => {
    const open = await click(h, INSP, notice, '开始评分');
    const form = open.card!;
    const save = buttonValue(form, '保存本模块');
    const submit = buttonValue(form, '提交评分');
    await say(h, SEC, `/role revoke @${INSP} 检查员`);
    const saved = await click(h, INSP, form, save, { formValue: { p0: '2', r0: '门楣字体残缺' } });
    expect(saved.toast?.content).toContain('没有负责该网点的检查员角色');
    const submitted = await click(h, INSP, form, submit);
    expect(submitted.toast?.content).toContain('没有负责该网点的检查员角色');
    expect(textOf((await say(h, INSP, `/score ${insId} 1.1.1 -2 门楣字体残缺`))[0])).toContain('需要以下角色之一');
    expect(await h.prisma.inspectionDeduction.count()).toBe(0);
    expect((await h.prisma.inspection.findUniqueOrThrow({ where: { id: insId } })).status).toBe('ASSIGNED');
    expect(h.fake.messagesTo('oc_bj').some((m) => textOf(m).includes('检查结果 · 示范支行'))).toBe(false);
    expect(h.fake.messagesTo(MANAGER)).toHaveLength(0);
    const refusals = await h.prisma.auditLog.findMany({ where: { action: 'refused', actorId: INSP } });
    expect(refusals.map((r) => JSON.parse(r.after!).code)).toEqual(['inspector_role', 'inspector_role', 'role']);
    expect(await h.prisma.auditLog.count({ where: { action: { in: ['inspection.draft', 'inspection.submit'] } } })).toBe(0);
  });

  it('takes effect at once: the grant is read fresh for every act (no cached grant lets a click through)', async () => {
    const open = await click(h, INSP, notice, '开始评分');
    expect((await click(h, INSP, open.card!, '保存本模块', { formValue: { p0: '1', r0: '门楣污损' } })).toast?.type).toBe('success');
    await say(h, SEC, `/role revoke @${INSP} 检查员`);
    const again = await click(h, INSP, open.card!, '保存本模块', { formValue: { p0: '2', r0: '门楣污损' } });
    expect(again.toast?.type).toBe('warning');
    expect((await h.prisma.inspectionDeduction.findFirstOrThrow()).points).toBe(1);
  });
});
