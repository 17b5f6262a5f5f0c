/** Why: answers questions about the 管理办法 typed in chat (p2p, or @bot in a group), after commands and the application dialog. */
import type { MessageContext } from '../../pipeline/context.ts';
import type { TextFlow } from '../../pipeline/router.ts';
import { detectQuestion } from '../../rules/detect.ts';
import { answerCard } from '../../cards/rules.ts';
import { cut } from '../../cards/markdown.ts';
import { toLocalDate } from '../../domain/dates.ts';
import { localTimeText } from '../../domain/reminder-time.ts';

/** Questions are kept to this many characters (the router already refuses messages over 2,000). */
export const MAX_QUESTION_CHARS = 500;

/**
 * Answers one question with a card quoting the best passage, and records it (so the asker can forward it).
 * An implicit question off the topic ("明天会下雨吗？") is left to the router's fallback (returns false);
 * an explicit one (/ask, 问：…) is always answered, if only with "nothing found" and the way to the secretariat.
 */
export async function answerQuestion(ctx: MessageContext, question: string, explicit: boolean): Promise<boolean> {
  const rules = ctx.services.rules;
  const text = cut(question.trim(), MAX_QUESTION_CHARS);
  const result = await rules.ask(text);
  if (result.confidence === 'none' && !result.onTopic && !explicit) return false;
  const q = await rules.store.record({ messageId: ctx.msg.messageId, askerOpenId: ctx.userId, chatId: ctx.msg.chatId, text, result });
  const forwardedAt = q.forwardedAt ? stamp(ctx, q.forwardedAt) : undefined;
  const card = answerCard(ctx.deps.messages, rules.corpus, { questionId: q.id, question: q.text, result: q.result, forwardedAt });
  // Keyed by the question (one per Feishu message): the same message delivered under another event_id is answered once.
  await ctx.deps.sender.enqueue({
    op: 'reply',
    replyToId: ctx.msg.messageId,
    chatId: ctx.msg.chatId,
    userId: ctx.msg.chatType === 'p2p' ? ctx.userId : undefined,
    msgType: 'interactive',
    content: card,
    dedupeKey: `rules:answer:${q.id}`,
  });
  return true;
}

/** "2026-03-02 10:15" where the bot runs. */
export function stamp(ctx: { deps: { config: { timezone: string } } }, at: Date): string {
  const tz = ctx.deps.config.timezone;
  return `${toLocalDate(at, tz)} ${localTimeText(at, tz)}`;
}

/** The free-text entry of the router's flows: only messages that read as questions (see src/rules/detect.ts). */
export const rulesFlow: TextFlow = {
  name: 'rules',
  async onText(ctx) {
    const d = detectQuestion(ctx.msg.text);
    return d ? answerQuestion(ctx, d.text, d.explicit) : false;
  },
};
