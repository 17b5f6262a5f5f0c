/** Table tests: who may move a campaign, from where to where, and what each move causes. */
import { describe, expect, it } from 'vitest';
import { decideCampaign, type CampaignMove, type CampaignStatus } from '../../src/domain/campaign.ts';
import type { Actor } from '../../src/domain/grants.ts';

const sec: Actor = { openId: 'ou_sec', grants: [{ role: 'secretariat', scopeType: '', scopeId: 0 }] };
const ra: Actor = { openId: 'ou_ra', grants: [{ role: 'regional_admin', scopeType: 'region', scopeId: 1 }] };

type Row = [CampaignMove, CampaignStatus | null, string, string?];
const rows: Row[] = [
  ['open', 'DRAFT', 'allowed OPEN announce_to_groups'],
  ['open', 'OPEN', 'noop OPEN'],
  ['open', 'CLOSED', 'noop CLOSED'],
  ['close', 'OPEN', 'allowed CLOSED closed_notice_to_groups'],
  ['close', 'CLOSED', 'noop CLOSED'],
  ['close', 'DRAFT', 'refused state OPEN'],
  ['announce', 'CLOSED', 'allowed ANNOUNCED'],
  ['announce', 'OPEN', 'refused state CLOSED'],
  ['archive', 'ANNOUNCED', 'allowed ARCHIVED'],
  ['archive', 'CLOSED', 'refused state ANNOUNCED'],
  ['discard', 'DRAFT', 'allowed DRAFT'],
  ['discard', 'OPEN', 'noop OPEN'],
  ['open', null, 'refused campaign_missing'],
];

function summary(d: ReturnType<typeof decideCampaign>): string {
  if (d.kind === 'allowed') return ['allowed', d.to, ...d.effects.map((e) => e.kind)].join(' ');
  if (d.kind === 'noop') return `noop ${d.state}`;
  return ['refused', d.refusal.code, ...(d.refusal.needStates ?? [])].join(' ');
}

describe('decideCampaign', () => {
  it.each(rows)('%s from %s → %s', (move, status, expected) => {
    expect(summary(decideCampaign(sec, { status }, move))).toBe(expected);
  });

  it('only the secretariat moves a campaign, whatever its status', () => {
    for (const [move, status] of rows) {
      const d = decideCampaign(ra, { status }, move);
      expect(d).toEqual({ kind: 'refused', refusal: { code: 'role', needRoles: ['secretariat'] } });
    }
  });

  it('opening is refused while another campaign of the cycle and tier is open', () => {
    expect(summary(decideCampaign(sec, { status: 'DRAFT', openConflict: true }, 'open'))).toBe('refused open_conflict');
  });

  it('names the audit action of each allowed move', () => {
    const d = decideCampaign(sec, { status: 'OPEN' }, 'close');
    expect(d.kind === 'allowed' && d.action).toBe('campaign.closed');
  });
});
