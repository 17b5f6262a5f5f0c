/** End-to-end: an inspector gets one Feishu task per assigned check; it completes on submit and is deleted on recusal. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, INSP, INSP2, type World } from '../helpers/inspections.ts';
import { local, surfaceHarness, tasksOf } from './helpers.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await surfaceHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
  await say(h, SEC, `/role grant @${INSP2} 检查员`);
});
afterEach(async () => h.close());

describe('an inspector’s task', () => {
  it('is created per assigned check, due on the inspection window’s last day; completes on submit; a repeat assignment adds none', async () => {
    const appId = await candidate(h, w, { name: '示范支行' });
    await say(h, SEC, `/inspect assign ${appId} @${INSP}`);
    await say(h, SEC, `/inspect assign ${appId} @${INSP}`);
    await say(h, SEC, `/inspect assign ${appId} @${INSP2} --kind mystery`);
    const [onsite] = tasksOf(h, INSP);
    expect(tasksOf(h, INSP)).toHaveLength(1);
    expect(onsite!.summary).toBe('完成检查评分：示范支行（千佳，现场检查）');
    expect(onsite!.description).toContain('检查验收截止：');
    const window = await h.prisma.milestone.findFirstOrThrow({ where: { campaignId: w.campaignId, key: 'inspection' } });
    expect(onsite!.due?.timestamp).toBe(String(local(window.endsOn ?? window.startsOn, '12:00').getTime()));
    expect(tasksOf(h, INSP2).map((t) => t.summary)).toEqual(['完成检查评分：示范支行（千佳，神秘客户暗访）']);

    const ins = await h.prisma.inspection.findFirstOrThrow({ where: { inspectorOpenId: INSP } });
    await say(h, INSP, `/score ${ins.id} 1.1.1 -1 门楣污损`);
    await say(h, INSP, `/score submit ${ins.id}`);
    await h.app.scheduler.tick();
    await h.app.settle();
    expect(tasksOf(h, INSP)[0]!.completed_at).not.toBe('0');
    expect(await h.prisma.workTask.findFirstOrThrow({ where: { inspectionId: ins.id } })).toMatchObject({ status: 'completed', closeReason: 'inspection_submitted' });
    expect(tasksOf(h, INSP2)[0]!.completed_at).toBe('0');
  });

  it('is deleted when the inspector recuses, and the inspector reminder notes the task', async () => {
    const a = await candidate(h, w, { name: '甲支行' });
    const b = await candidate(h, w, { name: '乙支行' });
    await say(h, SEC, `/inspect assign ${a} @${INSP}`);
    await say(h, SEC, `/inspect assign ${b} @${INSP}`);
    expect(tasksOf(h, INSP)).toHaveLength(2);
    const ins = await h.prisma.inspection.findFirstOrThrow({ where: { applicationId: a } });
    await say(h, INSP, `/回避 ${ins.id} 本人曾在该网点任职`);
    expect(tasksOf(h, INSP).map((t) => t.summary)).toEqual(['完成检查评分：乙支行（千佳，现场检查）']);
    expect(await h.prisma.workTask.findFirstOrThrow({ where: { inspectionId: ins.id } })).toMatchObject({ status: 'deleted', closeReason: 'recused' });

    const window = await h.prisma.milestone.findFirstOrThrow({ where: { campaignId: w.campaignId, key: 'inspection' } });
    h.clock.set(local(window.startsOn));
    await h.app.scheduler.tick();
    await h.app.settle();
    const reminder = h.fake.messagesTo(INSP).filter((m) => textOf(m).includes('检查安排')).at(-1)!;
    expect(textOf(reminder)).toContain(`乙支行（千佳，现场检查）（飞书任务：[打开](${tasksOf(h, INSP)[0]!.url})）`);
  });
});
