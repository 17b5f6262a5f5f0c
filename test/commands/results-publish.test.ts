/** End-to-end: the secretariat publishes each region's proposed list for public comment, with the end date, once. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { closeCampaign, elementsOf, inspectionWorld, publicityEndsOn, RA_BJ, replyText, tiedField, type World } from '../helpers/inspections.ts';
import { args } from '../../src/commands/results-publish.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h, { bai: 1, qian: 2 });
  await tiedField(h, w);
});
afterEach(async () => h.close());

describe('/results publish', () => {
  it('needs the applications closed first', async () => {
    expect(textOf((await say(h, SEC, '/results publish'))[0])).toContain('仍在申报中，请先用 /campaign close 关闭申报，再发布公示名单');
    expect(await h.prisma.resultRound.count({ where: { publishedAt: { not: null } } })).toBe(0);
  });

  it('posts each group its region’s list with the publicity end date and an objection button, once', async () => {
    await closeCampaign(h);
    const endsOn = await publicityEndsOn(h, w);
    const r = replyText(await say(h, SEC, '/公示名单'));
    expect(r).toContain(`已发布公示名单：共 2 家单位，已发送至 2 个地区群，公示期至 ${endsOn}`);
    expect(r).toContain('仍有 1 个已初选候选单位未完成现场检查');

    const bj = textOf(h.fake.messagesTo('oc_bj').at(-1));
    expect(bj).toContain('拟命名名单公示');
    expect(bj).toContain(`公示期至 **${endsOn}**`);
    expect(bj).toContain('1. 甲支行（示范银行）　995 分');
    expect(bj).toContain('2. 乙支行（示范银行）　990 分');
    expect(bj).not.toContain('丙支行');
    expect(elementsOf(h.fake.messagesTo('oc_bj').at(-1)!.content, 'button').map((b) => JSON.stringify(b.text))).toEqual([expect.stringContaining('提出异议')]);
    expect(textOf(h.fake.messagesTo('oc_sh').at(-1))).toContain('（无）');

    const round = await h.prisma.resultRound.findUniqueOrThrow({ where: { campaignId: w.campaignId } });
    expect(round.publicityEndsOn).toBe(endsOn);
    const list = JSON.parse(round.publishedList!) as Array<{ regionId: number; tier: string; units: Array<{ unitName: string }> }>;
    expect(list.find((g) => g.regionId === w.bj && g.tier === 'qian')!.units.map((u) => u.unitName)).toEqual(['甲支行', '乙支行']);
    expect(await h.prisma.auditLog.count({ where: { action: 'results.publish' } })).toBe(1);

    const before = h.fake.messages.length;
    expect(textOf((await say(h, SEC, '/results publish'))[0])).toContain('已公示');
    expect(h.fake.messages.length).toBe(before + 1);
  });

  it('refuses an end date already past, and takes --until', async () => {
    await closeCampaign(h);
    expect(textOf((await say(h, SEC, '/results publish --until 2026-01-01'))[0])).toContain('已过');
    expect(replyText(await say(h, SEC, '/results publish --until 2026-03-20'))).toContain('公示期至 2026-03-20');
  });

  it('is for the secretariat only', async () => {
    await closeCampaign(h);
    expect(textOf((await say(h, RA_BJ, '/results publish'))[0])).toContain('需要以下角色之一：中银协秘书处');
  });

  it.each([
    [[], true],
    [['--until', '2026-12-31'], true],
    [['--until', '明天'], false],
    [['北京'], false],
  ])('args %j → %s', (words, ok) => {
    expect(args.safeParse(words).success).toBe(ok);
  });
});
