/** End-to-end: only the secretariat decides a special case (第十一条 last paragraph); anyone else is refused, audited, and changes nothing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';

const MGR = 'ou_special_mgr';
const RA = 'ou_special_ra';
let h: Harness;
let id: number;

beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  for (const u of [MGR, RA]) h.fake.addUser({ openId: u, name: u });
  await regionsAndGroups(h);
  const campaignId = await openCampaign(h);
  await say(h, SEC, `/role grant @${RA} 地方协会管理员 北京`);
  const bank = await h.prisma.memberUnit.findFirstOrThrow();
  const region = await h.prisma.region.findFirstOrThrow({ where: { name: '北京' } });
  id = (await h.prisma.specialCase.create({
    data: { campaignId, managerOpenId: MGR, unitName: '北京新区支行', bankId: bank.id, regionId: region.id, answers: '{}', failures: '[]', explanation: '合并', createdAt: h.clock.now() },
  })).id;
});
afterEach(async () => h.close());

async function decide(operator: string, d: 'approve' | 'deny', reason?: string) {
  const r = await h.fake.deliverCardAction({ operator, value: { a: 'special.decide', id, d }, messageId: 'om_special', formValue: reason ? { reason } : undefined });
  await h.app.settle();
  return (r.body as { toast?: { type: string; content: string } }).toast;
}

describe('special.decide', () => {
  it('refuses everyone but the secretariat — a regional admin, the requester — and audits each attempt', async () => {
    for (const who of [RA, MGR]) {
      const t = await decide(who, 'approve');
      expect(t?.type).toBe('error');
      expect(t?.content).toContain('需要 中银协秘书处');
    }
    expect((await h.prisma.specialCase.findUniqueOrThrow({ where: { id } })).status).toBe('PENDING');
    expect(h.fake.messagesTo(MGR)).toHaveLength(0);
    const refused = await h.prisma.auditLog.findMany({ where: { action: 'refused', target: `special_case:${id}` } });
    expect(refused.map((r) => [r.actorId, JSON.parse(r.after!).code])).toEqual([[RA, 'role'], [MGR, 'role']]);
    expect(await h.prisma.auditLog.count({ where: { action: { startsWith: 'special_case.' } } })).toBe(0);
  });

  it('the secretariat approves once, and the manager hears of it naming the unit', async () => {
    expect((await decide(SEC, 'approve'))?.type).toBe('success');
    expect((await h.prisma.specialCase.findUniqueOrThrow({ where: { id } })).status).toBe('APPROVED');
    expect(textOf(h.fake.messagesTo(MGR).at(-1))).toContain('北京新区支行可以申报本轮评选');
    expect((await decide(SEC, 'deny', '改主意'))?.content).toContain('已处理');
    expect(await h.prisma.auditLog.count({ where: { action: 'special_case.approved' } })).toBe(1);
  });
});
