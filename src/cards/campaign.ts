/** Why: the campaign cards: the confirmation before opening or closing, the announcement to groups, and the closing notice. */
import type { Messages } from '../prompts/index.ts';
import type { CampaignView } from '../store/campaigns.ts';
import { button, buttonRow, card, hr, md } from './common.ts';
import { userText } from './markdown.ts';

export function timeline(m: Messages, c: Pick<CampaignView, 'milestones'>): string {
  return c.milestones
    .map((ms) => m.t('campaign.timeline_line', { name: ms.name, when: ms.endsOn && ms.endsOn !== ms.startsOn ? `${ms.startsOn} ~ ${ms.endsOn}` : ms.startsOn }))
    .join('\n');
}

export function tierList(c: CampaignView, tierName: (id: string) => string): string {
  return c.tiers.map(tierName).join('、');
}

/** Asks the secretariat to confirm; nothing happens until "确认" is clicked. */
export function confirmOpenCard(m: Messages, c: CampaignView, tierName: (id: string) => string, warnings: string[]) {
  const elements: unknown[] = [
    md(m.t('campaign.confirm_open_body', { name: userText(c.name, 60), cycle: c.cycle, tiers: tierList(c, tierName) })),
    hr(),
    md(timeline(m, c)),
  ];
  if (warnings.length) elements.push(md(warnings.join('\n')));
  elements.push(
    buttonRow([
      button(m.t('campaign.confirm_open_button'), { a: 'campaign.confirm', op: 'open', id: c.id }, 'primary_filled'),
      button(m.t('common.cancel'), { a: 'campaign.confirm', op: 'cancel_open', id: c.id }, 'default'),
    ]),
  );
  return card(m.t('campaign.confirm_open_title'), elements, 'orange');
}

export function confirmCloseCard(m: Messages, c: CampaignView) {
  return card(
    m.t('campaign.confirm_close_title'),
    [
      md(m.t('campaign.confirm_close_body', { name: userText(c.name, 60) })),
      buttonRow([
        button(m.t('campaign.confirm_close_button'), { a: 'campaign.confirm', op: 'close', id: c.id }, 'danger_filled'),
        button(m.t('common.cancel'), { a: 'campaign.confirm', op: 'cancel_close', id: c.id }, 'default'),
      ]),
    ],
    'red',
  );
}

/** The card the confirmation turns into once acted on (no buttons left to click). */
export function settledCard(m: Messages, title: string, body: string, template: 'green' | 'grey' | 'red' = 'green') {
  return card(title, [md(body)], template);
}

/** Posted to every bound group when a campaign opens; its button starts the eligibility check. */
export function announcementCard(m: Messages, c: CampaignView, tierName: (id: string) => string) {
  const deadline = c.milestones.find((x) => x.key === 'apply_deadline')?.startsOn ?? '';
  return card(
    m.t('campaign.announce_title', { name: userText(c.name, 60) }),
    [
      md(m.t('campaign.announce_body', { tiers: tierList(c, tierName), deadline })),
      hr(),
      md(timeline(m, c)),
      buttonRow([button(m.t('campaign.announce_button'), { a: 'apply.start', campaignId: c.id }, 'primary_filled')]),
    ],
    'blue',
  );
}

export function closedNoticeCard(m: Messages, c: CampaignView) {
  return card(m.t('campaign.closed_title', { name: userText(c.name, 60) }), [md(m.t('campaign.closed_body'))], 'grey');
}
