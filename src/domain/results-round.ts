/**
 * Why: a round's results go 公示 (publicity, 第六条) → 复选 (re-selection with the member banks, 第九条（四）) → 命名表彰
 * (naming, 第六条), in that order and once each; this decides each step and each 复选 answer.
 */
import { holds, isSecretariat, type Actor } from './grants.ts';
import { needRole, needState, refuse, terminated, type Decision, type TerminationFact } from './decision.ts';
import { compareDates, type LocalDate } from './dates.ts';
import type { CampaignStatus } from './campaign.ts';

export type RoundStage = 'SCORING' | 'PUBLICITY' | 'RECHECK' | 'ANNOUNCED';
export type RoundMove = { kind: 'publish'; endsOn: LocalDate } | { kind: 'recheck' } | { kind: 'announce' };
export type RoundEffect = { kind: 'publicity_to_groups' } | { kind: 'recheck_to_banks' } | { kind: 'commend_to_groups' } | { kind: 'campaign_announced' };

export interface RoundFacts {
  campaignStatus: CampaignStatus;
  published: boolean;
  publicityEndsOn: LocalDate | null;
  recheckStarted: boolean;
  announced: boolean;
  today: LocalDate;
  recheckRequired: boolean;
  /** 复选 items not yet settled: waiting for the bank, or flagged by it and waiting for the secretariat. */
  recheckOpen: { pending: number; flagged: number };
}

export function stageOf(f: Pick<RoundFacts, 'published' | 'recheckStarted' | 'announced'>): RoundStage {
  return f.announced ? 'ANNOUNCED' : f.recheckStarted ? 'RECHECK' : f.published ? 'PUBLICITY' : 'SCORING';
}

export function decideRound(actor: Actor, f: RoundFacts, move: RoundMove): Decision<RoundStage, RoundEffect> {
  if (!isSecretariat(actor)) return needRole('secretariat');
  const stage = stageOf(f);
  if (f.campaignStatus === 'OPEN' || f.campaignStatus === 'DRAFT') return refuse('close_first', { needStates: ['CLOSED'] });
  if (move.kind === 'publish') {
    if (f.published) return { kind: 'noop', state: stage };
    if (compareDates(move.endsOn, f.today) < 0) return refuse('publicity_past', { params: { endsOn: move.endsOn } });
    return { kind: 'allowed', from: 'SCORING', to: 'PUBLICITY', action: 'results.publish', effects: [{ kind: 'publicity_to_groups' }] };
  }
  if (f.announced) return { kind: 'noop', state: stage };
  if (!f.published || !f.publicityEndsOn) return refuse('publish_first', { needStates: ['PUBLICITY'] });
  if (compareDates(f.today, f.publicityEndsOn) <= 0) return refuse('publicity_running', { params: { endsOn: f.publicityEndsOn } });
  if (move.kind === 'recheck') {
    if (f.recheckStarted) return { kind: 'noop', state: stage };
    return { kind: 'allowed', from: 'PUBLICITY', to: 'RECHECK', action: 'results.recheck', effects: [{ kind: 'recheck_to_banks' }] };
  }
  if (f.recheckRequired) {
    if (!f.recheckStarted) return refuse('recheck_first', { needStates: ['RECHECK'] });
    if (f.recheckOpen.pending + f.recheckOpen.flagged > 0) return refuse('recheck_open', { params: { ...f.recheckOpen } });
  }
  return { kind: 'allowed', from: stage, to: 'ANNOUNCED', action: 'results.announce', effects: [{ kind: 'campaign_announced' }, { kind: 'commend_to_groups' }] };
}

/** One listed unit in 复选: the bank confirms or flags it; the secretariat keeps or drops it (dropping needs a reason). */
export type RecheckStatus = 'PENDING' | 'CONFIRMED' | 'FLAGGED' | 'KEPT' | 'DROPPED';
export type RecheckMove = { by: 'bank'; confirm: boolean; reason: string } | { by: 'secretariat'; keep: boolean; reason: string };
export type RecheckEffect = { kind: 'tell_secretariat' } | { kind: 'notify_manager' };

export interface RecheckFacts {
  status: RecheckStatus;
  bankId: number;
  announced: boolean;
  bankTerminated?: TerminationFact | null;
}

/** Whether an item no longer holds up the announcement. */
export function settled(status: RecheckStatus): boolean {
  return status === 'CONFIRMED' || status === 'KEPT' || status === 'DROPPED';
}

export function decideRecheck(actor: Actor, f: RecheckFacts, move: RecheckMove): Decision<RecheckStatus, RecheckEffect> {
  const reason = move.reason.trim();
  if (move.by === 'bank') {
    if (!holds(actor, 'member_admin', { type: 'member', id: f.bankId })) return refuse('review_scope', { needRoles: ['member_admin'] });
    const t = terminated([f.bankTerminated]);
    if (t) return t;
    if (f.announced || f.status !== 'PENDING') return { kind: 'noop', state: f.status };
    if (!move.confirm && !reason) return refuse('reason_required');
    const to = move.confirm ? 'CONFIRMED' : 'FLAGGED';
    return { kind: 'allowed', from: 'PENDING', to, action: `recheck.${to.toLowerCase()}`, effects: move.confirm ? [] : [{ kind: 'tell_secretariat' }] };
  }
  if (!isSecretariat(actor)) return needRole('secretariat');
  if (f.announced) return needState('ANNOUNCED', 'RECHECK');
  const to = move.keep ? 'KEPT' : 'DROPPED';
  if (f.status === to) return { kind: 'noop', state: f.status };
  if (!move.keep && !reason) return refuse('reason_required');
  return { kind: 'allowed', from: f.status, to, action: `recheck.${to.toLowerCase()}`, effects: move.keep ? [] : [{ kind: 'notify_manager' }] };
}

/**
 * Anyone may object during publicity (第六条 接受社会监督) to a listed unit, up to `limit` objections per person per
 * campaign (prompts/zh-CN/process.yaml): each one cards every secretariat member.
 */
export function decideObjection(f: { byPerson: number; limit: number }): Decision<'OPEN', { kind: 'to_secretariat' }> {
  if (f.byPerson >= f.limit) return refuse('limit_objections', { params: { limit: f.limit } });
  return { kind: 'allowed', from: 'OPEN', to: 'OPEN', action: 'objection.add', effects: [{ kind: 'to_secretariat' }] };
}
