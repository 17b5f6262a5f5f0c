/** Why: 备案 (第八条（一）, 第九条（一）, 第十条) as a checklist card an admin ticks off, and the secretariat's view of who has not filed. */
import type { Messages } from '../prompts/index.ts';
import type { PlanItem } from '../domain/process-rules.ts';
import type { Party } from '../domain/participation.ts';
import { card, hr, md } from './common.ts';
import { userText } from './markdown.ts';

export interface PlanLine {
  item: PlanItem;
  filed: { note: string; on: string } | null;
}

/** One party's checklist: each item with its basis, filed or not; a note input and a 登记 button per item. */
export function planCard(m: Messages, p: { campaignId: number; campaign: string; party: Party; lines: PlanLine[] }) {
  const done = p.lines.filter((l) => l.filed).length;
  const text = p.lines
    .map((l, i) =>
      m.t(l.filed ? 'plans.line_done' : 'plans.line_todo', { no: i + 1, title: l.item.title, basis: l.item.basis, note: l.filed?.note ? m.t('plans.note', { note: userText(l.filed.note, 60) }) : '', on: l.filed?.on ?? '' }),
    )
    .join('\n');
  const buttons = p.lines.map((l, i) => ({
    tag: 'button',
    name: `plan_${p.party.type}_${p.party.id}_${i}`,
    text: { tag: 'plain_text', content: m.t(l.filed ? 'plans.refile_button' : 'plans.file_button', { no: i + 1 }) },
    type: l.filed ? 'default' : 'primary',
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value: { a: 'plan.file', c: p.campaignId, t: p.party.type, p: p.party.id, item: l.item.id } }],
  }));
  return card(m.t('plans.title', { party: userText(p.party.name, 30) }), [
    md(m.t('plans.head', { campaign: userText(p.campaign, 40), done, total: p.lines.length })),
    hr(),
    md(text),
    {
      tag: 'form',
      name: `plan_${p.party.type}_${p.party.id}`,
      elements: [
        { tag: 'input', name: 'note', placeholder: { tag: 'plain_text', content: m.t('plans.note_placeholder') }, max_length: 100 },
        { tag: 'column_set', flex_mode: 'flow', horizontal_spacing: '8px', columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })) },
      ],
    },
    md(m.t('plans.hint')),
  ], done === p.lines.length ? 'green' : 'orange');
}
