/** The inspection schedule reminders read: assigned, not recused, per inspector, done once submitted. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { DbInspectionSchedule } from '../../src/scheduler/sources.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ start: false });
});
afterEach(async () => h.close());

describe('DbInspectionSchedule', () => {
  it('lists assigned visits of preselected applications, skipping recused ones and marking submitted ones done', async () => {
    const p = h.prisma;
    const c = await p.campaign.create({ data: { name: 'c', cycle: '2026-2027', tiers: '["bai","qian"]', status: 'CLOSED', createdBy: 'ou_s' } });
    const region = await p.region.create({ data: { name: '北京' } });
    const bank = await p.memberUnit.create({ data: { name: '示范银行' } });
    const unit = await p.unit.create({ data: { name: '朝阳支行', memberUnitId: bank.id, regionId: region.id } });
    const other = await p.unit.create({ data: { name: '西城支行', memberUnitId: bank.id, regionId: region.id } });
    const pre = await p.application.create({ data: { campaignId: c.id, unitId: unit.id, tier: 'qian', status: 'PRESELECTED', managerOpenId: 'ou_m' } });
    const draft = await p.application.create({ data: { campaignId: c.id, unitId: other.id, tier: 'qian', status: 'DRAFT', managerOpenId: 'ou_m' } });
    const base = { rubricId: 'cbss-2026', assignedBy: 'ou_s', assignedAt: new Date() };
    await p.inspection.create({ data: { ...base, applicationId: pre.id, inspectorOpenId: 'ou_i1', kind: 'onsite' } });
    await p.inspection.create({ data: { ...base, applicationId: pre.id, inspectorOpenId: 'ou_i2', kind: 'mystery', status: 'SUBMITTED' } });
    await p.inspection.create({ data: { ...base, applicationId: pre.id, inspectorOpenId: 'ou_i3', kind: 'onsite', status: 'RECUSED', recusedAt: new Date() } });
    await p.inspection.create({ data: { ...base, applicationId: draft.id, inspectorOpenId: 'ou_i4', kind: 'onsite' } });
    const visits = await new DbInspectionSchedule(p).visits(c.id);
    expect(visits.map((v) => [v.inspectorOpenId, v.kind, v.done, v.unitName, v.tier]).sort()).toEqual([
      ['ou_i1', 'onsite', false, '朝阳支行', 'qian'],
      ['ou_i2', 'mystery', true, '朝阳支行', 'qian'],
    ]);
  });
});
