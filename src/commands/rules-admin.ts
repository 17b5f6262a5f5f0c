/** Why: `/rules` (`/问答库`) shows the secretariat what waits for an answer and what they added; `/rules N` answers, `/rules remove N` takes a row out. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { card, md } from '../cards/common.ts';
import { userText } from '../cards/markdown.ts';
import { stamp } from '../flows/rules/flow.ts';
import { pendingCard } from '../cards/rules.ts';

export const args = z.array(z.string()).transform((w, c) => {
  if (!w.length) return { kind: 'list' as const };
  if (w.length === 1 && /^#?\d{1,9}$/.test(w[0]!)) return { kind: 'open' as const, id: Number(w[0]!.replace('#', '')) };
  if ((w[0] === 'remove' || w[0] === '删除') && w.length === 2 && /^\d{1,9}$/.test(w[1]!)) return { kind: 'remove' as const, id: Number(w[1]) };
  c.addIssue({ code: 'custom', message: 'args.rules_id' });
  return z.NEVER;
});

export const rulesAdmin = defineCommand({
  name: 'rules',
  triggers: ['/rules', '/问答库', '/规则问答'],
  summaryKey: 'commands.rules_admin',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const rules = ctx.services.rules;
    if (a.kind === 'remove') {
      const ok = await rules.store.removeLearned(a.id, ctx.userId);
      await ctx.reply(ctx.t(ok ? 'rules.removed' : 'rules.remove_missing', { id: a.id }));
      return;
    }
    if (a.kind === 'open') {
      // The answer form again, e.g. for a member who joined the secretariat after the question was forwarded.
      const q = await rules.store.get(a.id);
      if (!q || q.status !== 'FORWARDED') {
        await ctx.reply(ctx.t('rules.open_missing', { id: a.id }));
        return;
      }
      await ctx.reply(pendingCard(ctx.deps.messages, rules.corpus, q));
      return;
    }
    const [pending, learned] = await Promise.all([rules.store.pending(20), rules.store.learned()]);
    const lines = [
      ctx.t('rules.admin_pending', { count: pending.length }),
      ...(pending.length
        ? pending.map((q) => ctx.t('rules.admin_pending_line', { id: q.id, question: userText(q.text, 60), asker: q.askerOpenId, at: stamp(ctx, q.forwardedAt ?? q.createdAt) }))
        : [ctx.t('rules.admin_pending_none')]),
      '',
      ctx.t('rules.admin_learned', { count: learned.length }),
      ...(learned.length
        ? learned.map((l) => ctx.t('rules.admin_learned_line', { id: l.id, example: userText(l.example, 40), label: rules.corpus.get(l.ref)?.label ?? l.ref, answer: userText(l.answer, 60) }))
        : [ctx.t('rules.admin_learned_none')]),
    ];
    await ctx.reply(card(ctx.t('rules.admin_title'), [md(lines.join('\n'))], 'blue'));
  },
});
