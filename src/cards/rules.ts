/** Why: the rules Q&A cards: an answer quoting the 管理办法, the secretariat's answer form, and the answer sent back to the asker. */
import type { Messages } from '../prompts/index.ts';
import type { Corpus, RuleRef } from '../rules/corpus.ts';
import type { RulesResult } from '../rules/search.ts';
import { button, buttonRow, card, hr, md } from './common.ts';
import { userText } from './markdown.ts';

/** A passage quoted exactly: plain text, so nothing in it is read as markdown. */
function quote(m: Messages, corpus: Corpus, ref: RuleRef): unknown[] {
  const p = corpus.get(ref);
  if (!p) return [];
  return [md(m.t('rules.quote_label', { label: p.label })), { tag: 'div', text: { tag: 'plain_text', content: p.quote.join('\n') } }];
}

/** The source line under every quote, small and grey. */
function footer(m: Messages): unknown {
  return { tag: 'div', text: { tag: 'plain_text', content: m.t('rules.footer'), text_size: 'notation', text_color: 'grey' } };
}

export interface AnswerCardInput {
  questionId: number;
  question: string;
  result: RulesResult;
  /** When the asker already sent it on: the time, shown instead of the button. */
  forwardedAt?: string;
}

/** The bot's answer: the plain answer where the table gives one, the quoted passages, related ones, and the way to the secretariat. */
export function answerCard(m: Messages, corpus: Corpus, a: AnswerCardInput) {
  const r = a.result;
  const els: unknown[] = [md(m.t('rules.question_line', { question: userText(a.question, 200) }))];
  if (r.confidence === 'none') {
    els.push(md(m.t('rules.none_body')));
  } else {
    if (r.confidence === 'low') els.push(md(m.t('rules.low_intro')));
    else if (r.answer) els.push(md(r.entry?.source === 'learned' ? m.t('rules.learned_line', { answer: userText(r.answer, 500) }) : m.t('rules.answer_line', { answer: r.answer })));
    for (const ref of r.quoted) els.push(...quote(m, corpus, ref));
    for (const n of r.notes) els.push(md(`· ${n}`));
    const related = (r.related ?? []).map((x) => corpus.get(x)?.label).filter(Boolean);
    if (related.length) els.push(md(m.t('rules.related', { labels: related.join('、') })));
    els.push(hr(), footer(m));
  }
  if (a.forwardedAt) els.push(md(m.t('rules.forwarded_note', { at: a.forwardedAt })));
  else els.push(buttonRow([button(m.t(r.confidence === 'high' ? 'rules.forward_button_soft' : 'rules.forward_button'), { a: 'rules.forward', q: a.questionId }, r.confidence === 'high' ? 'default' : 'primary_filled')]));
  const first = r.quoted[0] && corpus.get(r.quoted[0]);
  const title = r.confidence === 'none' ? m.t('rules.title_none') : r.confidence === 'low' || !first ? m.t('rules.title_low') : m.t('rules.title_high', { label: first.label });
  return card(title, els, r.confidence === 'high' ? 'blue' : r.confidence === 'low' ? 'orange' : 'grey');
}

/** What the bot said, in one line for the secretariat. */
function botLine(m: Messages, corpus: Corpus, r: RulesResult): string {
  if (r.confidence === 'none' || !r.refs.length) return m.t('rules.bot_none');
  const labels = r.quoted.map((x) => corpus.get(x)?.label ?? x).join('、');
  return m.t(r.confidence === 'high' ? 'rules.bot_high' : 'rules.bot_low', { labels });
}

/** The forwarded question for each secretariat member: a form to answer, cite a passage, and optionally add it to the table. */
export function pendingCard(m: Messages, corpus: Corpus, q: { id: number; askerOpenId: string; text: string; result: RulesResult }) {
  const options = [{ text: { tag: 'plain_text', content: m.t('rules.ref_none') }, value: '-' }].concat(
    corpus.passages.map((p) => ({ text: { tag: 'plain_text', content: p.label }, value: p.ref })),
  );
  const submit = (name: string, label: string, learn: 0 | 1, type: string) => ({
    tag: 'button',
    name,
    text: { tag: 'plain_text', content: label },
    type,
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value: { a: 'rules.reply', q: q.id, learn } }],
  });
  return card(m.t('rules.pending_title', { id: q.id }), [
    md(m.t('rules.pending_body', { asker: q.askerOpenId, question: userText(q.text, 300), bot: botLine(m, corpus, q.result) })),
    ...q.result.quoted.slice(0, 1).flatMap((ref) => quote(m, corpus, ref)),
    {
      tag: 'form',
      name: `rules_reply_${q.id}`,
      elements: [
        { tag: 'input', name: 'answer', required: true, input_type: 'multiline_text', rows: 3, max_length: 500, placeholder: { tag: 'plain_text', content: m.t('rules.answer_placeholder') } },
        { tag: 'select_static', name: 'ref', placeholder: { tag: 'plain_text', content: m.t('rules.ref_placeholder') }, initial_option: q.result.quoted[0] ?? '-', options },
        { tag: 'input', name: 'terms', max_length: 100, placeholder: { tag: 'plain_text', content: m.t('rules.terms_placeholder') } },
        buttonRow([submit(`rules_reply_${q.id}_0`, m.t('rules.reply_button'), 0, 'primary_filled'), submit(`rules_reply_${q.id}_1`, m.t('rules.reply_learn_button'), 1, 'default')]),
      ],
    },
  ], 'orange');
}

/** The pending card once answered: no form left, what was answered and by whom. */
export function repliedCard(m: Messages, p: { id: number; question: string; answer: string; by: string; entryId: number | null }) {
  const learned = p.entryId ? m.t('rules.reply_done_learned', { entry: p.entryId }) : '';
  return card(m.t('rules.reply_done_title', { id: p.id }), [md(m.t('rules.reply_done_body', { question: userText(p.question, 300), answer: userText(p.answer, 500), by: p.by, learned }))], 'green');
}

/** The secretariat's answer, sent to the asker, with the passage it cites quoted. */
export function askerReplyCard(m: Messages, corpus: Corpus, p: { question: string; answer: string; ref: RuleRef | null }) {
  const els: unknown[] = [md(m.t('rules.asker_body', { question: userText(p.question, 300), answer: userText(p.answer, 500) }))];
  if (p.ref) els.push(...quote(m, corpus, p.ref), hr(), footer(m));
  return card(m.t('rules.asker_title'), els, 'green');
}
