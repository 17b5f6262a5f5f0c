/** End-to-end: 复选 (第九条第（四）项) between publicity and naming: banks confirm or flag, the secretariat keeps or drops. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, click, say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { closeCampaign, dayAfter, inspectionWorld, MANAGER, publicityEndsOn, replyText, tiedField, type World } from '../helpers/inspections.ts';

const BANK_ADMIN = 'ou_bank_admin';
const OTHER_BANK_ADMIN = 'ou_other_bank_admin';
let h: Harness;
let w: World;
let ids: Record<string, number>;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h, { bai: 1, qian: 2 });
  ids = await tiedField(h, w);
  for (const u of [BANK_ADMIN, OTHER_BANK_ADMIN]) h.fake.addUser({ openId: u, name: u });
  await say(h, SEC, `/role grant @${BANK_ADMIN} 会员单位管理员 示范银行`);
  await say(h, SEC, `/role grant @${OTHER_BANK_ADMIN} 会员单位管理员 另一银行`);
  await closeCampaign(h);
  await say(h, SEC, '/results publish');
});
afterEach(async () => h.close());

const cardFor = (unit: string) => h.fake.messagesTo(BANK_ADMIN).find((m) => textOf(m).includes(`复选确认 · ${unit}`))!;
const items = () => h.prisma.recheckItem.findMany({ orderBy: { id: 'asc' } });

describe('复选', () => {
  it('waits for publicity to end, then asks each listed unit\'s bank, once', async () => {
    expect(textOf((await say(h, SEC, '/复选'))[0])).toContain('尚未届满');
    dayAfter(h, await publicityEndsOn(h, w));
    const r = replyText(await say(h, SEC, '/results recheck'));
    expect(r).toContain('已开始复选：公示名单共 2 家网点，已请 1 家会员单位逐一确认');
    expect((await items()).map((i) => [i.unitName, i.status])).toEqual([['甲支行', 'PENDING'], ['乙支行', 'PENDING']]);
    expect(cardFor('甲支行')).toBeDefined();
    expect(cardFor('乙支行')).toBeDefined();
    expect(h.fake.messagesTo(OTHER_BANK_ADMIN).filter((m) => textOf(m).includes('复选确认'))).toHaveLength(0);
    // A second /复选 shows where it stands and starts nothing again.
    const again = textOf((await say(h, SEC, '/复选'))[0]);
    expect(again).toContain('待会员单位确认 2');
    expect(await h.prisma.recheckItem.count()).toBe(2);
    expect(await h.prisma.auditLog.count({ where: { action: 'results.recheck' } })).toBe(1);
  });

  it('a bank confirms one unit and flags the other; the secretariat drops the flagged one; only the kept are named', async () => {
    dayAfter(h, await publicityEndsOn(h, w));
    await say(h, SEC, '/复选');
    expect((await click(h, BANK_ADMIN, cardFor('甲支行'), '确认无误')).toast?.type).toBe('success');
    const noReason = await click(h, BANK_ADMIN, cardFor('乙支行'), '报告问题');
    expect(noReason.toast?.content).toContain('请填写理由');
    // Another bank's admin cannot answer for this bank's unit: refused and audited.
    const outsider = await click(h, OTHER_BANK_ADMIN, cardFor('乙支行'), buttonValue(cardFor('乙支行'), '确认无误'));
    expect(outsider.toast?.type).toBe('error');
    expect(JSON.parse((await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: OTHER_BANK_ADMIN } })).after!)).toMatchObject({ act: 'recheck.answer', code: 'review_scope' });
    const flagged = await click(h, BANK_ADMIN, cardFor('乙支行'), '报告问题', { formValue: { reason: '公示期间发生重大投诉' } });
    expect(flagged.toast?.type).toBe('success');
    expect(textOf(h.fake.messagesTo(SEC).at(-1))).toContain('报告「乙支行」');

    expect(textOf((await say(h, SEC, '/results announce'))[0])).toContain('复选尚未完成：0 家网点等待会员单位确认，1 家被会员单位报告问题');
    expect(textOf((await say(h, SEC, `/复选取消 ${ids['乙支行']}`))[0])).toContain('请给出申报编号和理由');
    const dropped = replyText(await say(h, SEC, `/复选取消 ${ids['乙支行']} 查实重大投诉`));
    expect(dropped).toContain('已取消「乙支行」的入选资格');
    expect(textOf(h.fake.messagesTo(MANAGER).at(-1))).toContain('在复选中未获保留');

    const r = replyText(await say(h, SEC, '/results announce'));
    expect(r).toContain('已命名表彰：1 家单位');
    const bj = textOf(h.fake.messagesTo('oc_bj').at(-1));
    expect(bj).toContain('甲支行');
    expect(bj).not.toContain('乙支行');
    expect((await items()).map((i) => i.status)).toEqual(['CONFIRMED', 'DROPPED']);
    expect(await h.prisma.auditLog.count({ where: { action: { in: ['recheck.confirmed', 'recheck.flagged', 'recheck.dropped'] } } })).toBe(3);
    // Nothing changes after the announcement.
    expect(textOf((await say(h, SEC, `/复选保留 ${ids['乙支行']}`))[0])).toContain('当前状态为「已命名表彰」');
  });

  it('is for the secretariat: a bank admin cannot start it or keep a unit', async () => {
    dayAfter(h, await publicityEndsOn(h, w));
    expect(textOf((await say(h, BANK_ADMIN, '/复选'))[0])).toContain('需要以下角色之一：中银协秘书处');
    expect(await h.prisma.recheckItem.count()).toBe(0);
  });
});
