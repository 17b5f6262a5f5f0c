/** Why: a secretariat member answers a forwarded rules question by card; the asker gets the answer, the table may learn it. */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { askerReplyCard, repliedCard } from '../cards/rules.ts';
import { cut } from '../cards/markdown.ts';

export const value = z.object({ a: z.literal('rules.reply'), q: z.coerce.number().int().positive(), learn: z.coerce.number().int().min(0).max(1) });

const MAX_ANSWER = 500;

/** "信托 租赁+营业部" → ['信托', '租赁+营业部'] (at most 10 phrases of 2–20 characters). */
export function splitTerms(raw: string): string[] {
  return [...new Set(raw.split(/[\s,，、;；]+/).map((t) => t.trim()).filter((t) => Array.from(t.replace(/\+/g, '')).length >= 2 && Array.from(t).length <= 20))].slice(0, 10);
}

export const rulesReply = defineCardAction({
  action: 'rules.reply',
  value,
  async handle(ctx, v) {
    // The role is read fresh: a card stays in the chat after its holder lost the role.
    if (!(await ctx.services.roles.has(ctx.userId, 'secretariat'))) {
      return ctx.toast('error', ctx.t('errors.forbidden', { command: ctx.t('rules.pending_title', { id: v.q }), roles: ctx.t('roles.secretariat') }));
    }
    const rules = ctx.services.rules;
    const form = ctx.action.formValue ?? {};
    const answer = cut(String(form.answer ?? '').trim(), MAX_ANSWER);
    const rawRef = String(form.ref ?? '-').trim();
    const ref = rawRef && rawRef !== '-' ? rawRef : null;
    if (!answer) return ctx.toast('warning', ctx.t('rules.reply_empty'));
    if (ref && !rules.corpus.has(ref)) return ctx.toast('warning', ctx.t('rules.reply_bad_ref'));
    if (v.learn && !ref) return ctx.toast('warning', ctx.t('rules.reply_need_ref'));
    const out = await rules.store.reply(v.q, ctx.userId, { answer, ref, learn: v.learn === 1, terms: splitTerms(String(form.terms ?? '')) });
    if (!out.ok) {
      if (out.why === 'already' && out.q) {
        const done = repliedCard(ctx.deps.messages, { id: out.q.id, question: out.q.text, answer: out.q.answer ?? '', by: out.q.answeredBy ?? '', entryId: null });
        // The asker's copy is keyed by the question: if the first answer's send was lost, this sends it; otherwise nothing.
        if (out.q.answer) await ctx.sendToUser(out.q.askerOpenId, askerReplyCard(ctx.deps.messages, rules.corpus, { question: out.q.text, answer: out.q.answer, ref: out.q.answerRef }), `rules:reply:${out.q.id}`);
        return ctx.toast('info', ctx.t('rules.reply_already', { by: out.q.answeredBy ?? '' }), done);
      }
      return ctx.toast('warning', ctx.t(out.why === 'missing' ? 'rules.forward_missing' : 'rules.reply_not_forwarded'));
    }
    const q = out.q;
    await ctx.sendToUser(q.askerOpenId, askerReplyCard(ctx.deps.messages, rules.corpus, { question: q.text, answer, ref }), `rules:reply:${q.id}`);
    return ctx.toast('success', ctx.t('rules.reply_toast'), repliedCard(ctx.deps.messages, { id: q.id, question: q.text, answer, by: ctx.userId, entryId: out.entryId }));
  },
});
