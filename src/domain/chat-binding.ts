/** Why: a group chat is one region's channel; only that region's admin (or the secretariat) may bind it, and never take it from another region. */
import { holds, isSecretariat, type Actor } from './grants.ts';
import { refuse, terminated, type Decision, type TerminationFact } from './decision.ts';

export interface BindingFacts {
  chatType: 'p2p' | 'group';
  /** The chat the command was sent in. */
  chatId: string;
  region: { id: number; name: string; chatId: string | null };
  /** The region this chat serves now, when it is another one. */
  boundTo: { id: number; name: string } | null;
  regionTerminated?: TerminationFact | null;
}

export type BindingEffect = { kind: 'unbind'; regionId: number; regionName: string };

/**
 * The secretariat may bind any group to any region (moving it from another region unbinds that one). A regional admin
 * may bind a group to their own region only, and may not move a group another region uses unless they administer that
 * region too. The state is the region's bound chat id.
 */
export function decideBind(actor: Actor, f: BindingFacts): Decision<string | null, BindingEffect> {
  if (f.chatType !== 'group') return refuse('group_only');
  const sec = isSecretariat(actor);
  if (!sec && !holds(actor, 'regional_admin', { type: 'region', id: f.region.id })) {
    return refuse('region_scope', { needRoles: ['secretariat', 'regional_admin'], params: { region: f.region.name } });
  }
  if (!sec) {
    const t = terminated([f.regionTerminated]);
    if (t) return t;
  }
  if (f.region.chatId === f.chatId) return { kind: 'noop', state: f.chatId };
  if (f.boundTo && !sec && !holds(actor, 'regional_admin', { type: 'region', id: f.boundTo.id })) {
    return refuse('chat_bound_elsewhere', { needRoles: ['secretariat'], params: { other: f.boundTo.name, region: f.region.name } });
  }
  return {
    kind: 'allowed',
    from: f.region.chatId,
    to: f.chatId,
    action: 'chat.bind',
    effects: f.boundTo ? [{ kind: 'unbind', regionId: f.boundTo.id, regionName: f.boundTo.name }] : [],
  };
}
