/** Table tests: each review stage's decider comes from the database's tier and status, never from the card. */
import { describe, expect, it } from 'vitest';
import { decideCreate, decideReview, decideSubmit, firstStage, stageOf, type ApplicationFacts } from '../../src/domain/application.ts';
import type { Actor, Grant } from '../../src/domain/grants.ts';
import type { ReviewRules } from '../../src/domain/application.ts';

const rules: ReviewRules = { filingTiers: ['bai', 'qian'], qualificationTiers: ['bai'], secretariatMayPreselect: true };
const g = (role: Grant['role'], scopeType: Grant['scopeType'] = '', scopeId = 0): Grant => ({ role, scopeType, scopeId });
const who = (openId: string, ...grants: Grant[]): Actor => ({ openId, grants });

const memberOwn = who('ou_m1', g('member_admin', 'member', 1));
const memberOther = who('ou_m2', g('member_admin', 'member', 2));
const regionOwn = who('ou_r1', g('regional_admin', 'region', 10));
const regionOther = who('ou_r2', g('regional_admin', 'region', 20));
const sec = who('ou_sec', g('secretariat'));
const nobody = who('ou_x');

const app = (over: Partial<ApplicationFacts> = {}): ApplicationFacts => ({ status: 'SUBMITTED', tier: 'qian', bankId: 1, regionId: 10, managerOpenId: 'ou_mgr', quota: 2, preselected: 0, ...over });
const approve = { approve: true, reason: '' };
const reject = { approve: false, reason: '材料不全' };

function summary(d: ReturnType<typeof decideReview>): string {
  if (d.kind === 'allowed') return `→ ${d.to}`;
  if (d.kind === 'noop') return `noop ${d.state}`;
  return `refused ${d.refusal.code}${d.refusal.needRoles ? ' ' + d.refusal.needRoles.join('|') : ''}`;
}

describe('stages', () => {
  it.each([
    ['SUBMITTED', 'bai', 'member'],
    ['SUBMITTED', 'qian', 'member'],
    ['QUALIFIED', 'bai', 'region'],
    ['FILED', 'qian', 'region'],
    ['PRESELECTED', 'qian', null],
    ['DRAFT', 'qian', null],
  ] as const)('%s %s awaits %s', (status, tier, stage) => {
    expect(stageOf(status, tier, rules)).toBe(stage);
  });
  it('a tier with neither 报备 nor 资格审定 goes straight to the region', () => {
    expect(firstStage('qian', { ...rules, filingTiers: ['bai'] })).toBe('region');
    expect(stageOf('SUBMITTED', 'qian', { ...rules, filingTiers: ['bai'] })).toBe('region');
  });
});

describe('decideReview', () => {
  const cases: Array<[string, Actor, Partial<ApplicationFacts>, { approve: boolean; reason: string }, string]> = [
    ['the bank files a 千佳 candidate', memberOwn, {}, approve, '→ FILED'],
    ['the bank refuses to file a 千佳 candidate', memberOwn, {}, reject, '→ NOT_FILED'],
    ['the bank files and qualifies a 百佳 candidate', memberOwn, { tier: 'bai' }, approve, '→ QUALIFIED'],
    ['the bank disqualifies a 百佳 candidate', memberOwn, { tier: 'bai' }, reject, '→ DISQUALIFIED'],
    ["another bank's admin is refused", memberOther, {}, approve, 'refused review_scope member_admin'],
    ['a regional admin cannot act at the member stage', regionOwn, {}, approve, 'refused review_scope member_admin'],
    ['the secretariat cannot act at the member stage', sec, {}, approve, 'refused review_scope member_admin'],
    ['the region recommends a filed candidate', regionOwn, { status: 'FILED' }, approve, '→ PRESELECTED'],
    ['the region recommends a qualified 百佳 candidate', regionOwn, { status: 'QUALIFIED', tier: 'bai' }, approve, '→ PRESELECTED'],
    ['the region rejects', regionOwn, { status: 'FILED' }, reject, '→ REJECTED'],
    ["another region's admin is refused", regionOther, { status: 'FILED' }, approve, 'refused review_scope regional_admin|secretariat'],
    ['a member admin cannot act at the region stage (finding 4)', memberOwn, { status: 'FILED' }, approve, 'refused review_scope regional_admin|secretariat'],
    ['the secretariat may preselect (process.yaml)', sec, { status: 'FILED' }, approve, '→ PRESELECTED'],
    ['a reject without a reason is refused', regionOwn, { status: 'FILED' }, { approve: false, reason: '  ' }, 'refused reason_required'],
    ['quota full', regionOwn, { status: 'FILED', quota: 1, preselected: 1 }, approve, 'refused quota_full'],
    ['quota unset', regionOwn, { status: 'FILED', quota: null }, approve, 'refused quota_unset'],
    ['a rejection ignores the quota', regionOwn, { status: 'FILED', quota: 0 }, reject, '→ REJECTED'],
    ['a decided application is a noop for a reviewer', regionOwn, { status: 'PRESELECTED' }, approve, 'noop PRESELECTED'],
    ['a decided application is refused to an outsider', nobody, { status: 'PRESELECTED' }, approve, 'refused review_scope member_admin|regional_admin|secretariat'],
    ['a draft cannot be reviewed', memberOwn, { status: 'DRAFT' }, approve, 'noop DRAFT'],
  ];
  it.each(cases)('%s', (_label, actor, facts, move, expected) => {
    expect(summary(decideReview(actor, app(facts), move, rules))).toBe(expected);
  });

  it('without secretariatMayPreselect the secretariat is refused at the region stage', () => {
    expect(summary(decideReview(sec, app({ status: 'FILED' }), approve, { ...rules, secretariatMayPreselect: false }))).toBe('refused review_scope regional_admin');
  });

  it('a terminated bank cannot file, and a terminated region cannot preselect', () => {
    const t = { party: 'member' as const, name: '示范银行', reason: '未配合检查', on: '2026-04-01' };
    expect(summary(decideReview(memberOwn, app({ bankTerminated: t }), approve, rules))).toBe('refused terminated');
    const r = { ...t, party: 'region' as const, name: '北京' };
    expect(summary(decideReview(regionOwn, app({ status: 'FILED', regionTerminated: r }), approve, rules))).toBe('refused terminated');
    expect(summary(decideReview(sec, app({ status: 'FILED', regionTerminated: r }), approve, rules))).toBe('→ PRESELECTED');
    expect(summary(decideReview(sec, app({ status: 'FILED', bankTerminated: t }), approve, rules))).toBe('refused terminated');
  });

  it('filing notifies the manager and routes to the region; a preselection only notifies', () => {
    const filed = decideReview(memberOwn, app(), approve, rules);
    expect(filed.kind === 'allowed' && filed.effects).toEqual([{ kind: 'notify_manager', status: 'FILED', reason: null }, { kind: 'route_review', stage: 'region' }]);
    const pre = decideReview(regionOwn, app({ status: 'FILED' }), approve, rules);
    expect(pre.kind === 'allowed' && pre.effects).toEqual([{ kind: 'notify_manager', status: 'PRESELECTED', reason: null }]);
  });
});

describe('decideSubmit and decideCreate', () => {
  const mgr = who('ou_mgr', g('branch_manager', 'member', 1));
  it('only the manager submits their own draft, once', () => {
    expect(decideSubmit(mgr, app({ status: 'DRAFT' }), rules).kind).toBe('allowed');
    expect(decideSubmit(nobody, app({ status: 'DRAFT' }), rules)).toMatchObject({ kind: 'refused', refusal: { code: 'not_owner' } });
    expect(decideSubmit(mgr, app({ status: 'SUBMITTED' }), rules).kind).toBe('noop');
  });
  it('an application needs the branch-manager role for that very bank', () => {
    expect(decideCreate(mgr, { bankId: 1, bankName: '示范银行' }).kind).toBe('allowed');
    expect(decideCreate(mgr, { bankId: 2, bankName: '另一银行' })).toMatchObject({ kind: 'refused', refusal: { code: 'not_bank_manager', needRoles: ['branch_manager'] } });
    expect(decideCreate(nobody, { bankId: 1, bankName: '示范银行' }).kind).toBe('refused');
  });
});
