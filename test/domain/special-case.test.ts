/** Table tests: an approval is for one unit of one campaign, decided by the secretariat, used once, within a per-person limit. */
import { describe, expect, it } from 'vitest';
import { decideFile, decideSpecial, decideUse, type UseFacts } from '../../src/domain/special-case.ts';
import type { Actor } from '../../src/domain/grants.ts';

const sec: Actor = { openId: 'ou_sec', grants: [{ role: 'secretariat', scopeType: '', scopeId: 0 }] };
const mgr: Actor = { openId: 'ou_mgr', grants: [{ role: 'branch_manager', scopeType: 'member', scopeId: 1 }] };
const unit = { name: '北京中关村支行', bankId: 1, regionId: 10 };
const approved: UseFacts = { status: 'APPROVED', managerOpenId: 'ou_mgr', campaignId: 3, unit };

const code = (d: { kind: string; refusal?: { code: string } }) => (d.kind === 'refused' ? d.refusal!.code : d.kind);

describe('decideFile', () => {
  it.each([
    [{ campaignOpen: true, openByPerson: 0, limit: 2 }, 'allowed'],
    [{ campaignOpen: true, openByPerson: 1, limit: 2 }, 'allowed'],
    [{ campaignOpen: true, openByPerson: 2, limit: 2 }, 'limit_special_cases'],
    [{ campaignOpen: false, openByPerson: 0, limit: 2 }, 'campaign_not_open'],
  ])('%j → %s', (facts, expected) => {
    expect(code(decideFile(facts))).toBe(expected);
  });
});

describe('decideSpecial', () => {
  it.each([
    ['secretariat approves', sec, 'PENDING', { approve: true, reason: '' }, 'allowed'],
    ['secretariat denies with a reason', sec, 'PENDING', { approve: false, reason: '材料不足' }, 'allowed'],
    ['a denial needs a reason', sec, 'PENDING', { approve: false, reason: '' }, 'reason_required'],
    ['anyone else is refused', mgr, 'PENDING', { approve: true, reason: '' }, 'role'],
    ['a decided request is left alone', sec, 'APPROVED', { approve: false, reason: 'x' }, 'noop'],
  ] as const)('%s', (_l, actor, status, move, expected) => {
    expect(code(decideSpecial(actor, { status }, move))).toBe(expected);
  });
});

describe('decideUse (finding 2)', () => {
  const want = { campaignId: 3, unit };
  it.each([
    ['the unit it was asked for', approved, want, 'allowed'],
    ['another unit name', approved, { ...want, unit: { ...unit, name: '北京西城支行' } }, 'special_case_other_unit'],
    ['another bank', approved, { ...want, unit: { ...unit, bankId: 2 } }, 'special_case_other_unit'],
    ['another region', approved, { ...want, unit: { ...unit, regionId: 20 } }, 'special_case_other_unit'],
    ['another campaign', approved, { ...want, campaignId: 4 }, 'special_case_other_unit'],
    ['used already', { ...approved, status: 'USED' as const }, want, 'special_case_used'],
    ['still pending', { ...approved, status: 'PENDING' as const }, want, 'state'],
    ['denied', { ...approved, status: 'DENIED' as const }, want, 'state'],
  ])('%s → %s', (_l, facts, w, expected) => {
    expect(code(decideUse(mgr, facts, w))).toBe(expected);
  });
  it("someone else's approval is refused", () => {
    expect(code(decideUse({ openId: 'ou_other', grants: mgr.grants }, approved, want))).toBe('not_owner');
  });
});
