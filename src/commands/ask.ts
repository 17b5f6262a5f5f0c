/** Why: `/ask 问题` (`/问`): asks the 管理办法 on purpose; works even while the application dialog is open. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { answerQuestion } from '../flows/rules/flow.ts';

/** The words after the trigger, joined back into the question. */
export const args = z.array(z.string()).transform((w) => ({ question: w.join(' ').trim() }));

export const ask = defineCommand({
  name: 'ask',
  triggers: ['/ask', '/问', '/提问'],
  summaryKey: 'commands.ask',
  args,
  async handle(ctx, a) {
    if (!a.question) {
      await ctx.reply(ctx.t('rules.empty_question'));
      return;
    }
    await answerQuestion(ctx, a.question, true);
  },
});
