/** Why: the answer card's "转给秘书处" button: the asker sends a question on to 中银协's secretariat, who answer by card. */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { answerCard, pendingCard } from '../cards/rules.ts';
import { stamp } from '../flows/rules/flow.ts';
import type { CardContext } from '../pipeline/context.ts';
import type { QuestionView } from '../rules/store.ts';

export const value = z.object({ a: z.literal('rules.forward'), q: z.coerce.number().int().positive() });

/** Sends the question to every secretariat member; keyed per question and person, so a repeat sends nothing twice. */
async function notifySecretariat(ctx: CardContext, q: QuestionView): Promise<number> {
  const rules = ctx.services.rules;
  const grants = await ctx.deps.prisma.roleGrant.findMany({ where: { role: 'secretariat' }, select: { openId: true } });
  const people = [...new Set(grants.map((g) => g.openId))];
  const card = pendingCard(ctx.deps.messages, rules.corpus, q);
  for (const openId of people) await ctx.sendToUser(openId, card, `rules:pending:${q.id}:${openId}`);
  return people.length;
}

export const rulesForward = defineCardAction({
  action: 'rules.forward',
  value,
  async handle(ctx, v) {
    const rules = ctx.services.rules;
    const out = await rules.store.forward(v.q, ctx.userId);
    if (!out.ok) {
      if (out.why === 'missing') return ctx.toast('warning', ctx.t('rules.forward_missing'));
      if (out.why === 'not_asker') return ctx.toast('warning', ctx.t('rules.forward_not_asker'));
      // Already forwarded: a double click or a redelivered callback. Make sure the secretariat has it (no-op if sent).
      if (out.q?.status === 'FORWARDED') await notifySecretariat(ctx, out.q);
      const card = out.q?.forwardedAt ? answerCard(ctx.deps.messages, rules.corpus, { questionId: out.q.id, question: out.q.text, result: out.q.result, forwardedAt: stamp(ctx, out.q.forwardedAt) }) : undefined;
      return ctx.toast('info', ctx.t('rules.forward_already'), card);
    }
    const q = out.q;
    const sent = await notifySecretariat(ctx, q);
    const card = answerCard(ctx.deps.messages, rules.corpus, { questionId: q.id, question: q.text, result: q.result, forwardedAt: stamp(ctx, q.forwardedAt ?? ctx.deps.clock.now()) });
    return ctx.toast('success', ctx.t(sent ? 'rules.forwarded_toast' : 'rules.none_secretariat'), card);
  },
});
