/** End-to-end: 备案 — regional and bank admins file their plans item by item; the secretariat sees who has not. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { click, say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { inspectionWorld, RA_BJ, type World } from '../helpers/inspections.ts';

const BANK_ADMIN = 'ou_bank_admin';
let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
  for (const u of [BANK_ADMIN, RA_BJ]) h.fake.addUser({ openId: u, name: u });
  await say(h, SEC, `/role grant @${BANK_ADMIN} 会员单位管理员 示范银行`);
});
afterEach(async () => h.close());

describe('备案 (第八条第（一）项, 第九条第（一）项)', () => {
  it('a regional admin sees the checklist from plans.yaml and files an item by button, with a note; audited once', async () => {
    const [c] = await say(h, RA_BJ, '/方案备案');
    expect(textOf(c)).toContain('方案备案 · 北京');
    expect(textOf(c)).toContain('本地区评选活动实施方案（第八条第（一）项）');
    expect(textOf(c)).toContain('已备案 0/2 项');
    const r = await click(h, RA_BJ, c!, '登记 1', { formValue: { note: '京银协〔2026〕12号' } });
    expect(r.toast?.content).toContain('已登记「北京」的第 1 项备案');
    expect(textOf(r.card)).toContain('已备案 1/2 项');
    expect(textOf(r.card)).toContain('京银协〔2026〕12号');
    const f = await h.prisma.planFiling.findFirstOrThrow();
    expect([f.partyType, f.partyId, f.itemId, f.note, f.filedBy]).toEqual(['region', w.bj, 'region_plan', '京银协〔2026〕12号', RA_BJ]);
    expect(await h.prisma.auditLog.count({ where: { action: 'plan.file' } })).toBe(1);
    const again = await click(h, RA_BJ, c!, '更新 1', { formValue: { note: '京银协〔2026〕12号' } });
    expect(again.toast?.content).toContain('已登记过');
    expect(await h.prisma.auditLog.count({ where: { action: 'plan.file' } })).toBe(1);
  });

  it('a bank admin files by text; nobody files for another party (refused and audited)', async () => {
    expect(textOf((await say(h, BANK_ADMIN, '/备案 2 总行发文'))[0])).toContain('已登记「示范银行」的第 2 项备案：评选活动领导及工作机构名单');
    expect(textOf((await say(h, BANK_ADMIN, '/备案 9'))[0])).toContain('没有第 9 项');
    // A forged button for another party: the party comes from the card, the right to file from the database.
    const forged = await h.fake.deliverCardAction({ operator: BANK_ADMIN, value: { a: 'plan.file', c: w.campaignId, t: 'region', p: w.bj, item: 'region_plan' }, messageId: 'om_x' });
    await h.app.settle();
    expect((forged.body as { toast: { content: string } }).toast.content).toContain('只有「北京」的管理员可以为其登记备案');
    expect(await h.prisma.planFiling.count({ where: { partyType: 'region' } })).toBe(0);
    expect(JSON.parse((await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: BANK_ADMIN } })).after!)).toMatchObject({ act: 'plan.file', code: 'plan_scope' });
  });

  it('the secretariat sees who has not filed which item', async () => {
    await say(h, RA_BJ, '/备案 1');
    await say(h, RA_BJ, '/备案 2');
    const [s] = await say(h, SEC, '/备案情况');
    const t = textOf(s);
    expect(t).toContain('**地方银行业协会**：已全部备案 1/2');
    expect(t).toContain('上海：尚缺 1. 本地区评选活动实施方案；2. 评选活动领导及工作机构名单');
    expect(t).not.toContain('北京：尚缺');
    expect(t).toContain('示范银行：尚缺');
    expect(textOf((await say(h, RA_BJ, '/备案情况'))[0])).toContain('需要以下角色之一：中银协秘书处');
  });
});
