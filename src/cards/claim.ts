/** Why: a person who is not yet a bank's 网点负责人 can ask that bank's admins to confirm them, by card, instead of waiting on a command. */
import type { Messages } from '../prompts/index.ts';
import { button, buttonRow, card, md } from './common.ts';
import { userText } from './markdown.ts';

/** The answer at the dialog's bank step when the person is not the bank's branch manager: why, and a button to ask. */
export function claimCard(m: Messages, refusal: string, bankId: number) {
  return card(m.t('claim.title'), [md(refusal), buttonRow([button(m.t('claim.ask_button'), { a: 'manager.claim', bank: bankId }, 'primary')])], 'orange');
}

/** What the bank's member-unit admins decide on: who claims to manage which unit of their bank. */
export function claimDecisionCard(m: Messages, c: { id: number; person: string; unit: string; bank: string }) {
  const decide = (d: 'confirm' | 'decline') => ({ a: 'manager.claim.decide', id: c.id, d });
  return card(m.t('claim.decide_title', { bank: userText(c.bank, 40) }), [
    md(m.t('claim.decide_body', { person: userText(c.person, 40), unit: userText(c.unit, 60), bank: userText(c.bank, 40) })),
    buttonRow([button(m.t('claim.confirm_button'), decide('confirm'), 'primary_filled'), button(m.t('claim.decline_button'), decide('decline'), 'danger')]),
  ], 'wathet');
}
