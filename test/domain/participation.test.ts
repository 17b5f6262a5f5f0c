/** Table tests: 第十条 terminations and 备案 plan filing, by whom and when. */
import { describe, expect, it } from 'vitest';
import { decideFilePlan, decideReinstate, decideTerminate } from '../../src/domain/participation.ts';
import type { Actor } from '../../src/domain/grants.ts';

const sec: Actor = { openId: 'ou_sec', grants: [{ role: 'secretariat', scopeType: '', scopeId: 0 }] };
const ra: Actor = { openId: 'ou_ra', grants: [{ role: 'regional_admin', scopeType: 'region', scopeId: 1 }] };
const ma: Actor = { openId: 'ou_ma', grants: [{ role: 'member_admin', scopeType: 'member', scopeId: 7 }] };
const t = { party: 'region' as const, name: '北京', reason: '未报送材料', on: '2026-04-01' };
const code = (x: { kind: string; refusal?: { code: string } }) => (x.kind === 'refused' ? x.refusal!.code : x.kind);

describe('terminate and reinstate', () => {
  it.each([
    ['the secretariat terminates with a reason', sec, null, '多次未配合检查', 'allowed'],
    ['a reason is required', sec, null, ' ', 'reason_required'],
    ['terminating twice is a noop', sec, t, 'x', 'noop'],
    ['a regional admin cannot terminate', ra, null, 'x', 'role'],
  ])('%s → %s', (_l, actor, active, reason, expected) => {
    expect(code(decideTerminate(actor, { active }, reason))).toBe(expected);
  });
  it('reinstating', () => {
    expect(code(decideReinstate(sec, { active: t }))).toBe('allowed');
    expect(code(decideReinstate(sec, { active: null }))).toBe('noop');
    expect(code(decideReinstate(ma, { active: t }))).toBe('role');
  });
});

describe('decideFilePlan', () => {
  const bj = { type: 'region' as const, id: 1, name: '北京' };
  const bank = { type: 'member' as const, id: 7, name: '示范银行' };
  it.each([
    ["the region's admin files", ra, bj, { filedNote: null, terminated: null }, '京协〔2026〕1号', 'allowed'],
    ["the bank's admin files", ma, bank, { filedNote: null, terminated: null }, '', 'allowed'],
    ["another party's admin", ra, bank, { filedNote: null, terminated: null }, '', 'plan_scope'],
    ['the secretariat does not file for a party', sec, bj, { filedNote: null, terminated: null }, '', 'plan_scope'],
    ['the same note twice is a noop', ra, bj, { filedNote: '1号', terminated: null }, '1号', 'noop'],
    ['a new note updates the filing', ra, bj, { filedNote: '1号', terminated: null }, '2号', 'allowed'],
    ['a terminated party cannot file', ra, bj, { filedNote: null, terminated: t }, '', 'terminated'],
  ])('%s → %s', (_l, actor, party, facts, note, expected) => {
    expect(code(decideFilePlan(actor, party, facts, note))).toBe(expected);
  });
});
