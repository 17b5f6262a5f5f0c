/** The welcome card's buttons: what each person can do now, by role and by the state of the round. */
import { describe, expect, it } from 'vitest';
import { welcomeCard, welcomeKeys, type WelcomeFacts } from '../../src/cards/welcome.ts';
import { loadMessages } from '../../src/prompts/index.ts';
import { validateCard } from '../../src/sandbox/fake/index.ts';

const base: WelcomeFacts = { roles: [], applying: false, campaign: false, hasApplications: false };

describe('welcomeKeys', () => {
  it.each<[string, Partial<WelcomeFacts>, string[]]>([
    ['a newcomer, nothing open', {}, ['help']],
    ['a newcomer while applications are open', { applying: true, campaign: true }, ['apply', 'help']],
    ['a manager with an application', { applying: true, campaign: true, hasApplications: true, roles: ['branch_manager'] }, ['apply', 'my_applications', 'help']],
    ['a manager after the deadline', { campaign: true, hasApplications: true, roles: ['branch_manager'] }, ['my_applications', 'help']],
    ['an inspector', { campaign: true, roles: ['inspector'] }, ['campaign_status', 'score', 'reminders_preview', 'help']],
    ['a regional admin', { applying: true, campaign: true, roles: ['regional_admin'] }, ['apply', 'campaign_status', 'chat_bind', 'reminders_preview', 'help']],
    ['the secretariat, no round yet', { roles: ['secretariat'] }, ['campaign_list', 'campaign_open', 'quota_set', 'role_grant', 'chat_bind', 'help']],
    ['the secretariat during a round', { applying: true, campaign: true, roles: ['secretariat'] }, ['campaign_status', 'campaign_list', 'campaign_open', 'quota_set', 'role_grant', 'chat_bind', 'reminders_preview', 'help']],
  ])('%s', (_, facts, keys) => {
    expect(welcomeKeys({ ...base, ...facts })).toEqual(keys);
  });

  it('draws a valid card JSON 2.0 with one button per key, labelled in words', () => {
    const m = loadMessages();
    const facts: WelcomeFacts = { ...base, applying: true, campaign: true, roles: ['secretariat'] };
    const c = welcomeCard(m, facts);
    expect(validateCard(c)).toEqual({ ok: true });
    const buttons: Array<{ text: { content: string }; behaviors: Array<{ value: { key: string } }> }> = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        if ((n as { tag?: string }).tag === 'button') buttons.push(n as (typeof buttons)[number]);
        else Object.values(n).forEach(walk);
      }
    };
    walk(c);
    expect(buttons.map((b) => b.behaviors[0]!.value.key)).toEqual(welcomeKeys(facts));
    expect(buttons.map((b) => b.text.content)).toContain('如何开启评选');
    expect(buttons.every((b) => /[\u4e00-\u9fa5]/.test(b.text.content))).toBe(true);
  });
});
