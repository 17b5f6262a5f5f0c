/** Why: the answer to 帮助/help and to anything the bot does not understand: what it can do for this person. */
import { z } from 'zod';
import { defineCommand, type Command } from './types.ts';
import type { MessageContext } from '../pipeline/context.ts';
import { helpCard } from '../cards/help.ts';

export const args = z.array(z.string()).transform(() => ({}));

export const help = defineCommand({
  name: 'help',
  triggers: ['/help', '/帮助', '帮助', 'help', '?', '？'],
  summaryKey: 'commands.help',
  args,
  async handle(ctx) {
    await sendHelp(ctx);
  },
});

/** Lists the commands this caller may use; `commandsFor` is filled by the router so help never drifts from reality. */
export async function sendHelp(ctx: MessageContext, opts: { unknownText?: string } = {}): Promise<void> {
  const visible = (await (ctx as MessageContext & { visibleCommands?: () => Promise<Command<unknown>[]> }).visibleCommands?.()) ?? [];
  const lines = visible.map((c) => ({ trigger: c.triggers[0] ?? c.name, summary: ctx.t(c.summaryKey) }));
  await ctx.reply(helpCard(ctx.deps.messages, lines, opts.unknownText));
}
