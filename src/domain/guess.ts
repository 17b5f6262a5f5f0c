/** Why: a message the bot does not understand gets one short, likely next step from the person's own state, not the whole help card. */

/** A draft application as the guess needs it: its checklist's required items still open, and whether it is too late. */
export interface DraftState {
  appId: number;
  /** 1-based numbers of the required items not yet done, in list order. */
  missing: number[];
  /** How many items the checklist has (any number in 1..total may be meant). */
  total: number;
  /** The 申报截止 once it has passed: nothing can be marked or submitted any more. */
  closedOn: string | null;
}

export interface PersonState {
  /** In a group the answer names nobody's applications. */
  inGroup: boolean;
  drafts: DraftState[];
  /** Applications submitted or further along. */
  others: number;
  /** A round is open for applications. */
  campaignOpen: boolean;
}

export type Guess =
  /** "是要标记第 N 项吗？" with a button that marks it. */
  | { kind: 'mark'; appId: number; no: number }
  /** Every required item is done: the submit button. */
  | { kind: 'submit'; appId: number }
  /** The draft can no longer change: say since when. */
  | { kind: 'closed'; closedOn: string }
  /** Several drafts: the list of them, each with its 继续 button. */
  | { kind: 'mine' }
  /** No application yet and a round open: the 申报 button. */
  | { kind: 'apply' }
  /** Nothing more specific: a short line pointing to 帮助. */
  | { kind: 'help' };

const CN: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** The item number a message seems to name (第6项, 6 好了, 六): one number, in range; otherwise null. */
export function numberIn(text: string, total: number): number | null {
  const t = text.normalize('NFKC');
  const digits = [...t.matchAll(/(?<!\d)(\d{1,3})(?!\d)/g)].map((m) => Number(m[1]));
  const words = digits.length ? [] : [...t.matchAll(/第?([一二两三四五六七八九十])项/g)].map((m) => CN[m[1]!]!);
  const all = [...digits, ...words];
  if (all.length !== 1) return null;
  const n = all[0]!;
  return n >= 1 && n <= total ? n : null;
}

/**
 * The likeliest next step for someone whose message was not understood.
 * - One draft: a number in the message that names an item → that item; else the submit button when nothing is
 *   missing, else the first missing item. After the 申报截止, only that it has passed.
 * - Several drafts: their list (which one is meant cannot be guessed).
 * - Submitted applications only: their list; nothing at all and a round open: the 申报 button.
 * - In a group nobody's applications are named: 申报 when a round is open, else 帮助.
 */
export function guessNextStep(text: string, s: PersonState): Guess {
  if (s.inGroup) return s.campaignOpen ? { kind: 'apply' } : { kind: 'help' };
  if (s.drafts.length === 1) {
    const d = s.drafts[0]!;
    if (d.closedOn !== null) return { kind: 'closed', closedOn: d.closedOn };
    const n = numberIn(text, d.total);
    if (n !== null) return { kind: 'mark', appId: d.appId, no: n };
    if (d.missing.length === 0) return { kind: 'submit', appId: d.appId };
    return { kind: 'mark', appId: d.appId, no: d.missing[0]! };
  }
  if (s.drafts.length > 1 || s.others > 0) return { kind: 'mine' };
  return s.campaignOpen ? { kind: 'apply' } : { kind: 'help' };
}
