/** Why: in 复选 (第九条（四）) each listed unit's bank confirms it still deserves the title, or reports a problem, on one card. */
import type { Messages } from '../prompts/index.ts';
import { buttonRow, card, md } from './common.ts';
import { userText } from './markdown.ts';

/** The card a bank's member-unit admins get for one listed unit; its buttons carry only the item id and the answer. */
export function recheckCard(m: Messages, p: { itemId: number; campaign: string; unit: string; region: string; tier: string; objections: number }) {
  const answer = (d: 'confirm' | 'flag', label: string, type: string, i: number) => ({
    tag: 'button',
    name: `recheck_${p.itemId}_${i}`,
    text: { tag: 'plain_text', content: label },
    type,
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value: { a: 'recheck.answer', item: p.itemId, d } }],
  });
  return card(m.t('recheck.card_title', { unit: userText(p.unit, 40) }), [
    md(m.t('recheck.card_body', { campaign: userText(p.campaign, 40), unit: userText(p.unit, 60), region: userText(p.region, 30), tier: p.tier })),
    ...(p.objections ? [md(m.t('recheck.card_objections', { n: p.objections }))] : []),
    {
      tag: 'form',
      name: `recheck_${p.itemId}`,
      elements: [
        { tag: 'input', name: 'reason', placeholder: { tag: 'plain_text', content: m.t('recheck.reason_label') }, max_length: 200 },
        buttonRow([answer('confirm', m.t('recheck.confirm_button'), 'primary_filled', 0), answer('flag', m.t('recheck.flag_button'), 'danger', 1)]),
      ],
    },
  ], 'violet');
}
