/** End-to-end: after publicity the round is announced once: status ANNOUNCED, units named in a commendation card in every group. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { closeCampaign, dayAfter, inspectionWorld, publicityEndsOn, replyText, tiedField, type World } from '../helpers/inspections.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h, { bai: 1, qian: 2 });
  await tiedField(h, w);
});
afterEach(async () => h.close());

const status = async () => (await h.prisma.campaign.findUniqueOrThrow({ where: { id: w.campaignId } })).status;

describe('/results announce', () => {
  it('asks for the campaign to be closed, then published, then for publicity to end', async () => {
    expect(textOf((await say(h, SEC, '/results announce'))[0])).toContain('仍在申报中，请先用 /campaign close 关闭申报，再命名表彰');
    await closeCampaign(h);
    expect(textOf((await say(h, SEC, '/命名表彰'))[0])).toContain('请先用 /results publish 发布公示名单');
    await say(h, SEC, '/results publish');
    const endsOn = await publicityEndsOn(h, w);
    h.clock.set(`${endsOn}T02:00:00Z`);
    expect(textOf((await say(h, SEC, '/results announce'))[0])).toContain(`公示期至 ${endsOn}，尚未届满`);
    expect(await status()).toBe('CLOSED');
  });

  it('names the published units, moves the campaign to ANNOUNCED through the audited store, and commends them in every group', async () => {
    await closeCampaign(h);
    await say(h, SEC, '/results publish');
    await say(h, 'ou_public', '/objection 甲支行 有异议');
    dayAfter(h, await publicityEndsOn(h, w));
    // 复选 comes first (第九条（四）); with no bank admins set, the secretariat keeps every unit itself.
    expect(textOf((await say(h, SEC, '/results announce'))[0])).toContain('命名表彰前须完成复选');
    await say(h, SEC, '/复选');
    await say(h, SEC, '/复选保留 全部');
    const r = replyText(await say(h, SEC, '/results announce'));
    expect(r).toContain('已命名表彰：2 家单位，表彰通知已发送至 2 个地区群。公示期间共收到 1 条异议');
    expect(await status()).toBe('ANNOUNCED');
    const moved = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'campaign.announced' } });
    expect([JSON.parse(moved.before!).status, JSON.parse(moved.after!).status]).toEqual(['CLOSED', 'ANNOUNCED']);
    const bj = textOf(h.fake.messagesTo('oc_bj').at(-1));
    expect(bj).toContain('命名表彰');
    expect(bj).toContain('1. 甲支行（示范银行）');
    expect(bj).toContain('2. 乙支行（示范银行）');
    expect(textOf(h.fake.messagesTo('oc_sh').at(-1))).toContain('命名表彰');

    const before = h.fake.messages.length;
    expect(textOf((await say(h, SEC, '/results announce'))[0])).toContain('已命名表彰，未重复操作');
    expect(h.fake.messages.length).toBe(before + 1);
    expect(await h.prisma.auditLog.count({ where: { action: 'results.announce' } })).toBe(1);
  });
});
