/** Table tests: a regional admin binds a group to their own region only, and never takes one from another region (finding 5). */
import { describe, expect, it } from 'vitest';
import { decideBind, type BindingFacts } from '../../src/domain/chat-binding.ts';
import type { Actor } from '../../src/domain/grants.ts';

const sec: Actor = { openId: 'ou_sec', grants: [{ role: 'secretariat', scopeType: '', scopeId: 0 }] };
const raBj: Actor = { openId: 'ou_ra', grants: [{ role: 'regional_admin', scopeType: 'region', scopeId: 1 }] };
const raBoth: Actor = { openId: 'ou_ra2', grants: [{ role: 'regional_admin', scopeType: 'region', scopeId: 1 }, { role: 'regional_admin', scopeType: 'region', scopeId: 2 }] };
const bj = { id: 1, name: '北京', chatId: null };
const f = (over: Partial<BindingFacts> = {}): BindingFacts => ({ chatType: 'group', chatId: 'oc_1', region: bj, boundTo: null, ...over });
const code = (d: ReturnType<typeof decideBind>) => (d.kind === 'refused' ? d.refusal.code : d.kind);

describe('decideBind', () => {
  it.each([
    ['own region, free group', raBj, f(), 'allowed'],
    ['another region', raBj, f({ region: { id: 2, name: '上海', chatId: null } }), 'region_scope'],
    ["a group bound to another region (the takeover)", raBj, f({ boundTo: { id: 2, name: '上海' } }), 'chat_bound_elsewhere'],
    ['a group bound to another region they also administer', raBoth, f({ boundTo: { id: 2, name: '上海' } }), 'allowed'],
    ['the secretariat moves any group', sec, f({ boundTo: { id: 2, name: '上海' } }), 'allowed'],
    ['already bound here', raBj, f({ region: { ...bj, chatId: 'oc_1' } }), 'noop'],
    ['p2p', raBj, f({ chatType: 'p2p' }), 'group_only'],
    ['a terminated region', raBj, f({ regionTerminated: { party: 'region', name: '北京', reason: 'x', on: '2026-04-01' } }), 'terminated'],
  ])('%s → %s', (_l, actor, facts, expected) => {
    expect(code(decideBind(actor, facts))).toBe(expected);
  });
  it('moving a group unbinds the region it served', () => {
    const d = decideBind(sec, f({ boundTo: { id: 2, name: '上海' } }));
    expect(d.kind === 'allowed' && d.effects).toEqual([{ kind: 'unbind', regionId: 2, regionName: '上海' }]);
  });
});
