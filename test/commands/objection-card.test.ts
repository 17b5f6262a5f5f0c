/** End-to-end: the publicity card's objection button sends a private form; what comes back is recorded and forwarded. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { click, say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { closeCampaign, elementsOf, inspectionWorld, tiedField, type World } from '../helpers/inspections.ts';

const PUBLIC = 'ou_public';
let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h, { bai: 1, qian: 2 });
  h.fake.addUser({ openId: PUBLIC, name: '群众' });
  await tiedField(h, w);
  await closeCampaign(h);
  await say(h, SEC, '/results publish');
});
afterEach(async () => h.close());

describe('objection button', () => {
  it('sends the clicker a form of the region’s listed units and records the objection they submit', async () => {
    const publicity = h.fake.messagesTo('oc_bj').at(-1)!;
    const opened = await click(h, PUBLIC, publicity, '提出异议');
    expect(opened.toast?.content).toContain('已私信您异议表单');
    expect(opened.cardApplied).toBe(false);
    const form = h.fake.messagesTo(PUBLIC).at(-1)!;
    const [select] = elementsOf(form.content, 'select_static');
    const options = (select!.options as Array<{ text: { content: string }; value: string }>).map((o) => o.text.content).sort();
    expect(options).toEqual(['乙支行', '甲支行']);
    const unit = await h.prisma.unit.findFirstOrThrow({ where: { name: '乙支行' } });

    const empty = await click(h, PUBLIC, form, '提交异议', { formValue: { unit: String(unit.id), text: '  ' } });
    expect(empty.toast?.type).toBe('error');
    const sent = await click(h, PUBLIC, form, '提交异议', { formValue: { unit: String(unit.id), text: '排队时间长' } });
    expect(sent.toast?.type).toBe('success');
    expect(textOf(sent.card)).toContain('已记录您对「乙支行」的异议');
    expect(await h.prisma.objection.findFirstOrThrow()).toMatchObject({ unitId: unit.id, openId: PUBLIC, text: '排队时间长' });
    expect(textOf(h.fake.messagesTo(SEC).at(-1))).toContain('内容：排队时间长');
  });

  it('refuses a unit that is not on the list', async () => {
    const publicity = h.fake.messagesTo('oc_bj').at(-1)!;
    await click(h, PUBLIC, publicity, '提出异议');
    const form = h.fake.messagesTo(PUBLIC).at(-1)!;
    const unlisted = await h.prisma.unit.findFirstOrThrow({ where: { name: '丙支行' } });
    const r = await click(h, PUBLIC, form, '提交异议', { formValue: { unit: String(unlisted.id), text: '伪造选项' } });
    expect(r.toast?.content).toContain('不在本次公示名单中');
    expect(await h.prisma.objection.count()).toBe(0);
  });
});
