/** Why: a campaign moves DRAFT → OPEN → CLOSED → ANNOUNCED → ARCHIVED, by the secretariat only; this decides each move. */
import { isSecretariat, type Actor } from './grants.ts';
import { needRole, needState, refuse, type Decision } from './decision.ts';

export const CAMPAIGN_STATUSES = ['DRAFT', 'OPEN', 'CLOSED', 'ANNOUNCED', 'ARCHIVED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type CampaignMove = 'open' | 'discard' | 'close' | 'announce' | 'archive';

/** What a move causes besides the new status: the notice every bound group gets. */
export type CampaignEffect = { kind: 'announce_to_groups' } | { kind: 'closed_notice_to_groups' };

const MOVES: Record<CampaignMove, { from: CampaignStatus; to: CampaignStatus; effects: CampaignEffect[] }> = {
  open: { from: 'DRAFT', to: 'OPEN', effects: [{ kind: 'announce_to_groups' }] },
  discard: { from: 'DRAFT', to: 'DRAFT', effects: [] },
  close: { from: 'OPEN', to: 'CLOSED', effects: [{ kind: 'closed_notice_to_groups' }] },
  announce: { from: 'CLOSED', to: 'ANNOUNCED', effects: [] },
  archive: { from: 'ANNOUNCED', to: 'ARCHIVED', effects: [] },
};

export interface CampaignFacts {
  /** null when the campaign does not exist (any more). */
  status: CampaignStatus | null;
  /** For `open`: another campaign of the same cycle shares a tier and is open already. */
  openConflict?: boolean;
}

const order = (s: CampaignStatus) => CAMPAIGN_STATUSES.indexOf(s);

/**
 * Decides one move. A move to where the campaign already is (or has gone past) is a noop, so a second click or a
 * resumed callback changes nothing; a move from too early a status is refused naming the status it needs.
 * `discard` throws a draft away: `to` is DRAFT only as a placeholder, the caller deletes the row.
 */
export function decideCampaign(actor: Actor, facts: CampaignFacts, move: CampaignMove): Decision<CampaignStatus, CampaignEffect> {
  if (!isSecretariat(actor)) return needRole('secretariat');
  const status = facts.status;
  if (!status) return refuse('campaign_missing');
  const m = MOVES[move];
  if (move === 'discard') {
    if (status !== 'DRAFT') return { kind: 'noop', state: status };
    return { kind: 'allowed', from: 'DRAFT', to: 'DRAFT', action: 'campaign.discard', effects: [] };
  }
  if (order(status) >= order(m.to)) return { kind: 'noop', state: status };
  if (status !== m.from) return needState(status, m.from);
  if (move === 'open' && facts.openConflict) return refuse('open_conflict');
  return { kind: 'allowed', from: m.from, to: m.to, action: `campaign.${m.to.toLowerCase()}`, effects: m.effects };
}
