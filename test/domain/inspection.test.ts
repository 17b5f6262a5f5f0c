/** Table tests: scoring needs the assignment and the inspector role now; recording an inspector's bank is scoped. */
import { describe, expect, it } from 'vitest';
import { decideAssign, decideInspection, decideRecordBank, inspectorFor, type InspectionFacts } from '../../src/domain/inspection.ts';
import type { Actor, Grant } from '../../src/domain/grants.ts';

const g = (role: Grant['role'], scopeType: Grant['scopeType'] = '', scopeId = 0): Grant => ({ role, scopeType, scopeId });
const insp = (grants: Grant[]): Actor => ({ openId: 'ou_insp', grants });
const f = (over: Partial<InspectionFacts> = {}): InspectionFacts => ({ status: 'ASSIGNED', inspectorOpenId: 'ou_insp', tier: 'qian', regionId: 10, conflictBank: null, ...over });
const code = (d: { kind: string; refusal?: { code: string } }) => (d.kind === 'refused' ? d.refusal!.code : d.kind);

describe('inspectorFor', () => {
  it.each([
    [[g('inspector')], 'qian', true],
    [[g('inspector', 'region', 10)], 'qian', true],
    [[g('inspector', 'region', 20)], 'qian', false],
    [[g('inspector', 'region', 20)], 'bai', true],
    [[g('regional_admin', 'region', 10)], 'qian', false],
    [[], 'bai', false],
  ] as const)('%j for %s in region 10 → %s', (grants, tier, ok) => {
    expect(inspectorFor(grants, tier, 10)).toBe(ok);
  });
});

describe('decideInspection', () => {
  it.each([
    ['the assigned inspector saves a draft', insp([g('inspector')]), f(), 'draft', 'allowed'],
    ['the assigned inspector submits', insp([g('inspector')]), f(), 'submit', 'allowed'],
    ['a revoked inspector cannot save (finding 3)', insp([]), f(), 'draft', 'inspector_role'],
    ['a revoked inspector cannot submit (finding 3)', insp([]), f(), 'submit', 'inspector_role'],
    ['an inspector moved to another region cannot score 千佳', insp([g('inspector', 'region', 20)]), f(), 'submit', 'inspector_role'],
    ['someone else cannot score', { openId: 'ou_other', grants: [g('inspector')] }, f(), 'draft', 'not_yours'],
    ['a second submit is a noop', insp([g('inspector')]), f({ status: 'SUBMITTED' }), 'submit', 'noop'],
    ['a submitted check cannot be edited', insp([g('inspector')]), f({ status: 'SUBMITTED' }), 'draft', 'state'],
    ['a recused check cannot be scored', insp([g('inspector')]), f({ status: 'RECUSED' }), 'draft', 'state'],
    ['a conflict blocks scoring', insp([g('inspector')]), f({ conflictBank: '示范银行' }), 'submit', 'conflict'],
    ['a revoked inspector may still recuse', insp([]), f(), 'recuse', 'allowed'],
    ['recusing twice is a noop', insp([]), f({ status: 'RECUSED' }), 'recuse', 'noop'],
  ] as const)('%s', (_l, actor, facts, move, expected) => {
    expect(code(decideInspection(actor, facts, move))).toBe(expected);
  });
});

describe('decideRecordBank (finding 6)', () => {
  const sec: Actor = { openId: 'ou_sec', grants: [g('secretariat')] };
  const raBj: Actor = { openId: 'ou_ra', grants: [g('regional_admin', 'region', 10)] };
  it.each([
    ['the secretariat, for anyone', sec, { openId: 'ou_i', grants: [g('inspector')] }, 'allowed'],
    ['an inspector, for themselves', { openId: 'ou_i', grants: [g('inspector', 'region', 20)] }, { openId: 'ou_i', grants: [g('inspector', 'region', 20)] }, 'allowed'],
    ['a regional admin, for an inspector of their region', raBj, { openId: 'ou_i', grants: [g('inspector', 'region', 10)] }, 'allowed'],
    ['a regional admin, for an inspector of another region', raBj, { openId: 'ou_i', grants: [g('inspector', 'region', 20)] }, 'inspector_other_region'],
    ['a regional admin, for a national inspector', raBj, { openId: 'ou_i', grants: [g('inspector')] }, 'inspector_other_region'],
    ['a regional admin, for an inspector of their region and another', raBj, { openId: 'ou_i', grants: [g('inspector', 'region', 10), g('inspector', 'region', 20)] }, 'inspector_other_region'],
    ['a regional admin, for someone who is no inspector', raBj, { openId: 'ou_i', grants: [] }, 'not_inspector'],
    ['an inspector, for someone else', { openId: 'ou_i', grants: [g('inspector')] }, { openId: 'ou_j', grants: [g('inspector')] }, 'inspector_bank_self_only'],
  ])('%s → %s', (_l, actor, target, expected) => {
    expect(code(decideRecordBank(actor, target))).toBe(expected);
  });
});

describe('decideAssign', () => {
  const sec: Actor = { openId: 'ou_sec', grants: [g('secretariat')] };
  const raBj: Actor = { openId: 'ou_ra', grants: [g('regional_admin', 'region', 10)] };
  const base = { appStatus: 'PRESELECTED', tier: 'qian', regionId: 10, inspectorGrants: [g('inspector')], conflictBank: null };
  it.each([
    ['the secretariat, any candidate', sec, { ...base, tier: 'bai' }, 'allowed'],
    ['a regional admin, a 千佳 candidate of their region', raBj, base, 'allowed'],
    ['a regional admin, a 百佳 candidate', raBj, { ...base, tier: 'bai' }, 'bai_is_secretariat'],
    ['a regional admin, another region', raBj, { ...base, regionId: 20 }, 'assign_scope'],
    ['a terminated region', raBj, { ...base, regionTerminated: { party: 'region' as const, name: '北京', reason: 'x', on: '2026-04-01' } }, 'terminated'],
    ['not preselected', sec, { ...base, appStatus: 'FILED' }, 'state'],
    ['no inspector role', sec, { ...base, inspectorGrants: [] }, 'not_inspector'],
    ["an inspector of another region for 千佳", sec, { ...base, inspectorGrants: [g('inspector', 'region', 20)] }, 'inspector_elsewhere'],
    ["an inspector of the unit's bank", sec, { ...base, conflictBank: '示范银行' }, 'conflict'],
  ])('%s → %s', (_l, actor, facts, expected) => {
    expect(code(decideAssign(actor, facts))).toBe(expected);
  });
});
