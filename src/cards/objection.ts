/** Why: the objection form sent privately to whoever clicks "提出异议" on a publicity card, so the group card stays as it is. */
import type { Messages } from '../prompts/index.ts';
import { card, md } from './common.ts';
import { clip } from './markdown.ts';

/** A form with the region's listed units to choose from and the objection's text. */
export function objectionFormCard(m: Messages, p: { campaignId: number; region: string; endsOn: string; units: Array<{ unitId: number; name: string }> }) {
  return card(
    m.t('objection.form_title'),
    [
      md(m.t('objection.form_head', { region: p.region, endsOn: p.endsOn })),
      {
        tag: 'form',
        name: 'objection',
        elements: [
          {
            tag: 'select_static',
            name: 'unit',
            required: true,
            placeholder: { tag: 'plain_text', content: m.t('objection.unit_placeholder') },
            options: p.units.slice(0, 100).map((u) => ({ text: { tag: 'plain_text', content: clip(u.name, 40) }, value: String(u.unitId) })),
          },
          {
            tag: 'input',
            name: 'text',
            required: true,
            input_type: 'multiline_text',
            rows: 4,
            max_length: 1000,
            placeholder: { tag: 'plain_text', content: m.t('objection.text_placeholder') },
          },
          {
            tag: 'button',
            name: 'send',
            type: 'primary_filled',
            text: { tag: 'plain_text', content: m.t('objection.send_button') },
            form_action_type: 'submit',
            behaviors: [{ type: 'callback', value: { a: 'objection.submit', c: p.campaignId } }],
          },
        ],
      },
    ],
    'orange',
  );
}

/** What the form turns into once sent. */
export function objectionDoneCard(m: Messages, body: string) {
  return card(m.t('objection.done_title'), [md(body)], 'green');
}
