/** Why: the answer to 帮助/help (what the bot can do for this person) and to anything it does not understand (a short guess). */
import { z } from 'zod';
import { defineCommand, type Command } from './types.ts';
import type { Card, MessageContext } from '../pipeline/context.ts';
import { helpCard } from '../cards/help.ts';
import { button, buttonRow, card, md } from '../cards/common.ts';
import { userText } from '../cards/markdown.ts';
import { progress } from '../domain/checklist.ts';
import { guessNextStep, type DraftState, type Guess } from '../domain/guess.ts';
import { MilestoneMissingError } from '../domain/calendar.ts';

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

/**
 * Anything not understood: one short card with the likeliest next step for this person (src/domain/guess.ts), e.g.
 * "是要标记第 6 项吗？" with its button, or the 申报 button, instead of the whole help card every time.
 */
export async function sendUnknown(ctx: MessageContext): Promise<void> {
  const app = ctx.services.apply.app;
  const mine = await app.apps.byManager(ctx.userId);
  const drafts = mine.filter((a) => a.status === 'DRAFT');
  const states: DraftState[] = [];
  for (const a of drafts) {
    let closedOn: string | null = null;
    try {
      closedOn = await app.closedOn(a);
    } catch (err) {
      // A campaign without its deadline is reported where it matters (marking, submitting); a guess does not need it.
      if (!(err instanceof MilestoneMissingError)) throw err;
    }
    states.push({ appId: a.id, missing: progress(app.checklist, a.checklist).missing.map((x) => x.no), total: app.checklist.items.length, closedOn });
  }
  const open = (await ctx.services.campaigns.byStatus(['OPEN'])).length > 0;
  const guess = guessNextStep(ctx.msg.text, { inGroup: ctx.msg.chatType !== 'p2p', drafts: states, others: mine.length - drafts.length, campaignOpen: open });
  await ctx.reply(unknownCard(ctx, guess, drafts));
}

function unknownCard(ctx: MessageContext, g: Guess, drafts: ReadonlyArray<{ id: number; unit: { name: string } }>): Card {
  const t = ctx.t;
  const elements: unknown[] = [md(t('guess.unknown', { text: userText(ctx.msg.text, 30) }))];
  const unit = (id: number) => userText(drafts.find((d) => d.id === id)?.unit.name ?? '', 40);
  switch (g.kind) {
    case 'mark': {
      const item = ctx.services.apply.app.checklist.items[g.no - 1]!;
      elements.push(md(t('guess.mark', { unit: unit(g.appId), no: g.no, title: item.title })));
      elements.push(buttonRow([button(t('guess.mark_button', { no: g.no }), { a: 'apply.item', app: g.appId, item: item.id, done: true, from: 'guess' }, 'primary')]));
      elements.push(md(t('guess.mark_hint', { no: g.no })));
      break;
    }
    case 'submit':
      elements.push(md(t('guess.submit', { unit: unit(g.appId) })), buttonRow([button(t('guess.submit_button'), { a: 'apply.submit', app: g.appId }, 'primary')]));
      break;
    case 'closed':
      elements.push(md(t('guess.closed', { deadline: g.closedOn })));
      break;
    case 'mine':
      elements.push(md(t('guess.mine')), buttonRow([button(t('guess.mine_button'), { a: 'apply.mine' }, 'primary')]));
      break;
    case 'apply':
      elements.push(md(t('guess.apply')), buttonRow([button(t('guess.apply_button'), { a: 'apply.start' }, 'primary')]));
      break;
    case 'help':
      break;
  }
  elements.push(md(t('guess.help')));
  return card(t('guess.title'), elements, 'wathet');
}
