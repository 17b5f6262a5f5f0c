/** End-to-end: closing asks for confirmation, stops new applications, keeps the data, and tells the groups. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { click, say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  await regionsAndGroups(h);
});
afterEach(async () => h.close());

describe('/campaign close', () => {
  it('says so when nothing is open', async () => {
    const [r] = await say(h, SEC, '/campaign close');
    expect(textOf(r)).toContain('目前没有申报中的评选');
  });

  it('closes after confirmation, once, keeping the milestones, and notifies groups', async () => {
    const id = await openCampaign(h);
    const [confirm] = await say(h, SEC, '/关闭评选');
    expect(textOf(confirm)).toContain('已有的申报、审核与检查数据全部保留');
    expect((await h.prisma.campaign.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    const r = await click(h, SEC, confirm!, '确认关闭', { redeliver: 2 });
    expect(r.toast?.type).toBe('success');
    const c = await h.prisma.campaign.findUniqueOrThrow({ where: { id }, include: { milestones: true } });
    expect(c.status).toBe('CLOSED');
    expect(c.milestones.length).toBeGreaterThan(5);
    expect(r.newMessages.map((m) => m.chat_id).sort()).toEqual(['oc_bj', 'oc_sh']);
    expect(textOf(r.newMessages[0])).toContain('不再接受新的申报');
    const audit = await h.prisma.auditLog.findMany({ where: { action: 'campaign.closed' } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.before!)).toEqual({ status: 'OPEN' });
  });

  it('cancel leaves the campaign open', async () => {
    const id = await openCampaign(h);
    const [confirm] = await say(h, SEC, '/campaign close');
    await click(h, SEC, confirm!, '取消');
    expect((await h.prisma.campaign.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
  });

  it('refuses a regional admin', async () => {
    await openCampaign(h);
    await say(h, SEC, '/role grant @ou_ra 地方协会管理员 北京');
    const [r] = await say(h, 'ou_ra', '/campaign close');
    expect(textOf(r)).toContain('需要以下角色之一：中银协秘书处');
  });
});
