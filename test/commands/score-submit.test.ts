/** End-to-end: submitting by text posts the combined result (onsite and mystery) to the region's group and the branch manager. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, elementsOf, inspectionWorld, INSP, INSP2, MANAGER, replyText, type World } from '../helpers/inspections.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
  await say(h, SEC, `/role grant @${INSP2} 检查员`);
});
afterEach(async () => h.close());

describe('/score submit', () => {
  it('a mystery visit alone is provisional; with the onsite check the larger deduction per item stands', async () => {
    const appId = await candidate(h, w, { name: '示范支行', region: w.sh });
    await say(h, SEC, `/inspect assign ${appId} @${INSP2} --kind mystery`);
    await say(h, SEC, `/inspect assign ${appId} @${INSP} --kind onsite`);
    const [mystery, onsite] = (await h.prisma.inspection.findMany({ orderBy: { id: 'asc' } })).map((i) => i.id);

    await say(h, INSP2, `/score ${mystery} 5.1 -8 未起身迎候`);
    await say(h, INSP2, `/score ${mystery} 1.1.1 -1 门楣污损`);
    const done = replyText(await say(h, INSP2, `/提交评分 ${mystery}`));
    expect(done).toContain('本次检查 991 / 1000');
    expect(done).toContain('结果已发送至「上海」地区群、网点负责人');
    const first = h.fake.messagesTo('oc_sh').at(-1)!;
    expect(textOf(first)).toContain('现场检查尚未提交，以上为暂定结果');
    expect(textOf(first)).toContain('**总分**：991 / 1000');

    await say(h, INSP, `/score ${onsite} 1.1.1 -3 门楣缺字`);
    await say(h, INSP, `/score ${onsite} 3.1 -5 制度未更新`);
    await say(h, INSP, `/score submit ${onsite}`);
    const second = h.fake.messagesTo('oc_sh').at(-1)!;
    // 1000 − max(1, 3) for 1.1.1 − 8 (5.1, mystery) − 5 (3.1, onsite) = 984
    expect(textOf(second)).toContain('**总分**：984 / 1000');
    expect(textOf(second)).toContain('**已完成检查**：神秘客户暗访、现场检查');
    expect(textOf(second)).not.toContain('暂定');
    expect(elementsOf(second.content, 'chart')).toHaveLength(1);
    expect(h.fake.messagesTo(MANAGER).map((m) => m.content)).toEqual([first.content, second.content]);
    expect(h.fake.messagesTo('oc_bj').some((m) => textOf(m).includes('检查结果 ·'))).toBe(false);
  });

  it.each<[string, number, string, string]>([
    ['exactly the pass score passes (green)', 0, '**总分**：850 / 1000　**结论**：✅ 合格（合格线 850）', 'green'],
    ['half a point below fails (red)', 0.5, '**总分**：849.5 / 1000　**结论**：❌ 未达合格线（合格线 850）', 'red'],
  ])('%s', async (_name, extra, head, template) => {
    const appId = await candidate(h, w, { name: '待改进支行' });
    await say(h, SEC, `/inspect assign ${appId} @${INSP}`);
    const id = (await h.prisma.inspection.findFirstOrThrow()).id;
    const items: Array<[string, number]> = [['2.1', 20], ['2.2', 20], ['3.1', 25], ['4.1', 30], ['6.4', 30], ['9.2', 25]];
    if (extra) items.push(['1.1.1', extra]);
    for (const [item, pts] of items) await say(h, INSP, `/score ${id} ${item} ${pts} 严重不足`);
    await say(h, INSP, `/score submit ${id}`);
    const card = h.fake.messagesTo('oc_bj').at(-1)!;
    expect(JSON.parse(card.content).header.template).toBe(template);
    expect(textOf(card)).toContain(head);
    // The five largest deductions are listed; the rest are counted.
    expect(textOf(card)).toContain('4.1 排队等候时间：-30　严重不足（重大扣分）');
    expect(textOf(card)).toContain(`另有 ${items.length - 5} 项扣分`);
  });
});
