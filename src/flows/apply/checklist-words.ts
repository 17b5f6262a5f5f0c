/** Why: 完成 N / 撤销 N / 备注 N … act on the person's draft whenever they are typed, with or without a live dialog; with several drafts, the bot asks which. */
import type { Deps, MessageContext } from '../../pipeline/context.ts';
import type { TextFlow } from '../../pipeline/router.ts';
import type { Messages } from '../../prompts/index.ts';
import { parseChecklistCommand, type ChecklistWords as Words } from '../../domain/checklist.ts';
import type { ApplicationView } from '../../store/applications.ts';
import { button, buttonRow, card, md } from '../../cards/common.ts';
import { userText } from '../../cards/markdown.ts';
import { SessionStore } from '../session.ts';
import type { ApplicationFlowServices } from './services.ts';

/** How long a "which application?" question waits for its answer. */
const PICK_MINUTES = 60;

/** What a choice card is for: checklist words kept until the person picks an application, or a submission. */
export type Pick = { kind: 'words'; words: Words } | { kind: 'submit' };

/**
 * The card asking which draft is meant: one button per draft, named by its unit. A `words` pick keeps the words in a
 * short-lived session (nothing typed is lost, however long the note); its buttons carry that session's version.
 */
export function whichCard(m: Messages, drafts: readonly ApplicationView[], pick: Pick, sv?: number) {
  const what = pick.kind === 'submit' ? m.t('checklist.which_submit') : m.t(`checklist.which_${pick.words.op}`, { no: pick.words.no });
  const buttons = drafts.slice(0, 20).map((a) =>
    button(`${userText(a.unit.name, 20)} #${a.id}`, pick.kind === 'submit' ? { a: 'apply.submit', app: a.id } : { a: 'apply.word', app: a.id, sv }, 'primary'),
  );
  return card(m.t('checklist.which_title'), [md(m.t('checklist.which_body', { n: drafts.length, what })), buttonRow(buttons)], 'blue');
}

export class ChecklistWordsFlow implements TextFlow {
  readonly name = 'checklist-words';
  /** Words waiting for the person to pick an application (one per person; a newer question replaces an older). */
  readonly picks: SessionStore<Words>;

  constructor(private readonly deps: Deps, private readonly app: ApplicationFlowServices) {
    this.picks = new SessionStore<Words>(deps.prisma, 'checklist_pick', () => deps.clock.now(), PICK_MINUTES * 60_000);
  }

  /** Checklist words in a p2p chat, outside a dialog at its checklist step (the dialog handles those itself). */
  async onText(ctx: MessageContext): Promise<boolean> {
    if (ctx.msg.chatType !== 'p2p') return false;
    const words = parseChecklistCommand(ctx.msg.text);
    if (!words) return false;
    const meant = await this.app.meant(ctx);
    if (typeof meant === 'number') {
      await this.app.applyWords(ctx, meant, words);
      return true;
    }
    // No draft at all: not understood here; the answer to that knows what the person has instead.
    if (meant.length === 0) return false;
    const s = await this.picks.start(ctx.userId, words);
    await ctx.reply(whichCard(this.deps.messages, meant, { kind: 'words', words }, s.version));
    return true;
  }
}
