/** Table tests: 公示 → 复选 → 命名表彰, each once, in order, by the secretariat; 复选 answers by banks and the secretariat. */
import { describe, expect, it } from 'vitest';
import { decideRecheck, decideRound, settled, type RecheckFacts, type RoundFacts } from '../../src/domain/results-round.ts';
import type { Actor } from '../../src/domain/grants.ts';
import type { LocalDate } from '../../src/domain/dates.ts';

const sec: Actor = { openId: 'ou_sec', grants: [{ role: 'secretariat', scopeType: '', scopeId: 0 }] };
const bankAdmin: Actor = { openId: 'ou_m', grants: [{ role: 'member_admin', scopeType: 'member', scopeId: 1 }] };
const d = (s: string) => s as LocalDate;
const base: RoundFacts = {
  campaignStatus: 'CLOSED', published: true, publicityEndsOn: d('2026-10-10'), recheckStarted: true, announced: false,
  today: d('2026-10-11'), recheckRequired: true, recheckOpen: { pending: 0, flagged: 0 },
};
const code = (x: { kind: string; refusal?: { code: string } }) => (x.kind === 'refused' ? x.refusal!.code : x.kind);

describe('decideRound', () => {
  const publish = { kind: 'publish' as const, endsOn: d('2026-10-10') };
  it.each([
    ['publish a closed round', { published: false, recheckStarted: false, today: d('2026-10-01') }, publish, 'allowed'],
    ['publish while applications are open', { campaignStatus: 'OPEN' as const, published: false }, publish, 'close_first'],
    ['publish twice', { today: d('2026-10-01') }, publish, 'noop'],
    ['publish with an end date already past', { published: false, recheckStarted: false, today: d('2026-10-11') }, publish, 'publicity_past'],
    ['start 复选 after publicity', { recheckStarted: false }, { kind: 'recheck' as const }, 'allowed'],
    ['start 复选 on the last day of publicity', { recheckStarted: false, today: d('2026-10-10') }, { kind: 'recheck' as const }, 'publicity_running'],
    ['start 复选 before publishing', { published: false, publicityEndsOn: null, recheckStarted: false }, { kind: 'recheck' as const }, 'publish_first'],
    ['announce after 复选', {}, { kind: 'announce' as const }, 'allowed'],
    ['announce without 复选', { recheckStarted: false }, { kind: 'announce' as const }, 'recheck_first'],
    ['announce without 复选 when not required', { recheckStarted: false, recheckRequired: false }, { kind: 'announce' as const }, 'allowed'],
    ['announce with items waiting for banks', { recheckOpen: { pending: 2, flagged: 0 } }, { kind: 'announce' as const }, 'recheck_open'],
    ['announce with a flagged item', { recheckOpen: { pending: 0, flagged: 1 } }, { kind: 'announce' as const }, 'recheck_open'],
    ['announce twice', { announced: true }, { kind: 'announce' as const }, 'noop'],
  ])('%s → %s', (_l, over, move, expected) => {
    expect(code(decideRound(sec, { ...base, ...over }, move))).toBe(expected);
  });
  it('only the secretariat', () => {
    expect(code(decideRound(bankAdmin, base, { kind: 'announce' }))).toBe('role');
  });
  it('announcing moves the campaign and commends every group', () => {
    const x = decideRound(sec, base, { kind: 'announce' });
    expect(x.kind === 'allowed' && x.effects.map((e) => e.kind)).toEqual(['campaign_announced', 'commend_to_groups']);
  });
});

describe('decideRecheck', () => {
  const item = (over: Partial<RecheckFacts> = {}): RecheckFacts => ({ status: 'PENDING', bankId: 1, announced: false, ...over });
  it.each([
    ['the bank confirms', bankAdmin, item(), { by: 'bank' as const, confirm: true, reason: '' }, 'allowed'],
    ['the bank flags with a reason', bankAdmin, item(), { by: 'bank' as const, confirm: false, reason: '近期有投诉' }, 'allowed'],
    ['the bank flags without a reason', bankAdmin, item(), { by: 'bank' as const, confirm: false, reason: '' }, 'reason_required'],
    ["another bank's admin", { ...bankAdmin, grants: [{ role: 'member_admin' as const, scopeType: 'member' as const, scopeId: 2 }] }, item(), { by: 'bank' as const, confirm: true, reason: '' }, 'review_scope'],
    ['the bank answers twice', bankAdmin, item({ status: 'CONFIRMED' }), { by: 'bank' as const, confirm: false, reason: 'x' }, 'noop'],
    ['the secretariat drops with a reason', sec, item({ status: 'FLAGGED' }), { by: 'secretariat' as const, keep: false, reason: '查实' }, 'allowed'],
    ['the secretariat drops without a reason', sec, item(), { by: 'secretariat' as const, keep: false, reason: '' }, 'reason_required'],
    ['the secretariat keeps', sec, item(), { by: 'secretariat' as const, keep: true, reason: '' }, 'allowed'],
    ['a bank admin cannot keep or drop', bankAdmin, item(), { by: 'secretariat' as const, keep: true, reason: '' }, 'role'],
    ['nothing changes after the announcement', sec, item(), { by: 'secretariat' as const, keep: true, reason: '' }, 'state'],
  ])('%s → %s', (_l, actor, facts, move, expected) => {
    const f = _l === 'nothing changes after the announcement' ? { ...facts, announced: true } : facts;
    expect(code(decideRecheck(actor, f, move))).toBe(expected);
  });
  it('settled items no longer hold up the announcement', () => {
    expect(['PENDING', 'CONFIRMED', 'FLAGGED', 'KEPT', 'DROPPED'].filter((s) => settled(s as never))).toEqual(['CONFIRMED', 'KEPT', 'DROPPED']);
  });
});
