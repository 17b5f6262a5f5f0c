/** End-to-end: `/score` lists an inspector's checks, opens the form, and saves or refuses one deduction by text. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, INSP, type World } from '../helpers/inspections.ts';
import { args } from '../../src/commands/score.ts';

let h: Harness;
let w: World;
let insId: number;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
  const appId = await candidate(h, w, { name: '示范支行' });
  await say(h, SEC, `/inspect assign ${appId} @${INSP}`);
  insId = (await h.prisma.inspection.findFirstOrThrow()).id;
});
afterEach(async () => h.close());

describe('/score', () => {
  it('lists open checks and opens the score card', async () => {
    expect(textOf((await say(h, INSP, '/评分'))[0])).toContain(`#${insId} 示范支行（千佳·北京·示范银行）　现场检查　已填扣分 0 项`);
    const [card] = await say(h, INSP, `/score ${insId}`);
    expect(card!.msg_type).toBe('interactive');
    expect(textOf(card)).toContain('模块 1 / 9');
    expect(textOf((await say(h, SEC, '/score'))[0])).toContain('需要以下角色之一：检查员');
  });

  it.each<[string, string]>([
    ['1.1.1 4 门楣污损', '1.1.1 门楣标识：扣分 4 超过该项满分 3，最多只能扣 3 分'],
    ['1.1.1 +1 加分', '1.1.1 门楣标识：扣分不能小于 0'],
    ['1.1.1 abc 原因', '「abc」不是有效的扣分'],
    ['1.1.1 0.3 原因', '不是 0.5 的整数倍'],
    ['1.1.1 2', '扣分时请写明扣分原因'],
    ['8.8.8 1 原因', '评分表中没有项目「8.8.8」'],
  ])('refuses `%s`', async (input, expected) => {
    const [r] = await say(h, INSP, `/score ${insId} ${input}`);
    expect(textOf(r)).toContain('未保存');
    expect(textOf(r)).toContain(expected);
    expect(await h.prisma.inspectionDeduction.count()).toBe(0);
  });

  it('saves, replaces and clears a draft deduction, auditing each change', async () => {
    expect(textOf((await say(h, INSP, `/score #${insId} 1.1.1 -2 门楣字体残缺`))[0])).toContain('当前合计 998 / 1000（未提交）');
    expect(textOf((await say(h, INSP, `/score ${insId} 1.1.1 -3 门楣缺字`))[0])).toContain('当前合计 997 / 1000');
    expect(textOf((await say(h, INSP, `/score ${insId} 1.1.1 0`))[0])).toContain('已清除');
    expect(await h.prisma.inspectionDeduction.count()).toBe(0);
    const audits = await h.prisma.auditLog.findMany({ where: { action: 'inspection.draft' }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => JSON.parse(a.after!))).toEqual([
      { '1.1.1': { points: 2, reason: '门楣字体残缺' } },
      { '1.1.1': { points: 3, reason: '门楣缺字' } },
      { '1.1.1': null },
    ]);
  });

  it('stops scoring when a conflict of interest comes to light after the assignment', async () => {
    await say(h, SEC, `/inspector bank @${INSP} 示范银行`);
    const [r] = await say(h, INSP, `/score ${insId} 1.1.1 1 原因`);
    expect(textOf(r)).toContain('存在利益冲突，不能评分');
    expect(await h.prisma.inspectionDeduction.count()).toBe(0);
  });

  it.each([
    [[], 'list'],
    [['3'], 'card'],
    [['#3', '1.1.1', '-2', '门楣', '污损'], 'set'],
    [['3', '1.1.1'], null],
    [['x'], null],
  ])('args %j → %s', (words, mode) => {
    const r = args.safeParse(words);
    expect(r.success ? r.data.mode : null).toBe(mode);
  });
});
