/** End-to-end: `/rubric` shows the round's score sheet with its adjustable weights; `/rubric use` chooses one until checks use it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, INSP, RA_BJ, type World } from '../helpers/inspections.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
});
afterEach(async () => h.close());

describe('/rubric', () => {
  it('shows the modules, weights and which are defaults still to be confirmed', async () => {
    const [r] = await say(h, INSP, '/评分表');
    const text = textOf(r);
    expect(text).toContain('cbss-2026，第 1 版');
    expect(text).toContain('满分 1000，合格线 850，扣分最小单位 0.5（默认值，待核定）');
    expect(text).toContain('- 1 环境管理：90 分，20 项，评分方式：现场检查、神秘客户暗访\\n');
    expect(text).toContain('- 2 服务功能：130 分，8 项，评分方式：现场检查（默认值，待核定）');
  });

  it('chooses a rubric by id, refuses an unknown one, and locks once a check uses another', async () => {
    expect(textOf((await say(h, SEC, '/rubric use nope'))[0])).toContain('没有编号为「nope」的评分表。可选：cbss-2026');
    expect(textOf((await say(h, SEC, '/rubric use cbss-2026'))[0])).toContain('已为 2026年度评选 选用评分表');
    expect(await h.prisma.auditLog.count({ where: { action: 'rubric.choose' } })).toBe(1);
    const app = await candidate(h, w, { name: '示范支行' });
    await say(h, SEC, `/inspect assign ${app} @${INSP}`);
    await h.prisma.inspection.updateMany({ data: { rubricId: 'older-sheet' } });
    expect(textOf((await say(h, SEC, '/rubric use cbss-2026'))[0])).toContain('本轮已有 1 个检查任务使用评分表');
    expect(textOf((await say(h, RA_BJ, '/rubric use cbss-2026'))[0])).toContain('需要以下角色之一：中银协秘书处');
  });
});
