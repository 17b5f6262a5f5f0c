/** Why: the few look-ups every inspection command repeats (campaign, candidate, permissions, wording of problems) in one place. */
import type { CardContext, MessageContext } from '../pipeline/context.ts';
import type { CampaignStatus, CampaignView } from '../store/campaigns.ts';
import type { CandidateView, InspectionView } from '../store/inspections.ts';
import { CHECK_KINDS, findItem, type CheckKind, type Rubric } from '../domain/rubric.ts';
import { formatPoints, type Deduction, type DeductionProblem } from '../domain/scoring.ts';
import { decideInspection, type InspectionMove } from '../domain/inspection.ts';
import type { Refusal } from '../domain/decision.ts';
import type { Db } from '../store/db.ts';
import { grantsIn } from '../store/roles.ts';
import { tierName } from '../store/cycle.ts';
import { textSafe } from '../cards/markdown.ts';

/** Either kind of handler context: both can read, check roles and send. */
export type BaseCtx = MessageContext | CardContext;

/** `@ou_…` (a mention the pipeline rewrote) or a bare open_id. */
export function openIdFrom(word: string | undefined): string | null {
  return /^@?(ou_[0-9A-Za-z_]+)$/.exec(word ?? '')?.[1] ?? null;
}

/** `#12`, `12`, `＃12` → 12. */
export function idFrom(word: string | undefined): number | null {
  const m = /^[#＃]?(\d{1,9})$/.exec((word ?? '').trim());
  return m ? Number(m[1]) : null;
}

const KIND_ALIASES: Record<string, CheckKind> = {
  onsite: 'onsite', 现场: 'onsite', 现场检查: 'onsite',
  mystery: 'mystery', 暗访: 'mystery', 神秘客户: 'mystery', 神秘客户暗访: 'mystery',
};

export function kindFrom(input: string | undefined): CheckKind | null {
  if (input === undefined) return 'onsite';
  const k = KIND_ALIASES[input.trim().toLowerCase()] ?? KIND_ALIASES[input.trim()];
  return k && (CHECK_KINDS as readonly string[]).includes(k) ? k : null;
}

/** The newest campaign in one of `statuses` (default: one still being worked on). */
export async function latestCampaign(ctx: BaseCtx, statuses: CampaignStatus[] = ['OPEN', 'CLOSED']): Promise<CampaignView | null> {
  return (await ctx.services.campaigns.byStatus(statuses))[0] ?? null;
}

export function tierLabel(ctx: BaseCtx, tier: string): string {
  return tierName(ctx.services.cycle, tier);
}

export function kindLabel(ctx: BaseCtx, kind: CheckKind): string {
  return ctx.t(`inspection.kind.${kind}`);
}

/**
 * User text for a text message or a toast: clipped, with markdown link and styling characters made harmless (Feishu
 * renders `[..](..)` and `**` in text messages too). Mentions are defanged by `defangText`. Cards use `userText`.
 */
export function plain(text: string, max = 200): string {
  return textSafe(text, max);
}

/** "示范支行（千佳·北京·示范银行）"; pass `userText` as `esc` when it goes into a card. */
export function candidateLabel(ctx: BaseCtx, c: CandidateView, esc: (s: string, max: number) => string = plain): string {
  return ctx.t('inspection.candidate_label', { unit: esc(c.unit.name, 40), tier: tierLabel(ctx, c.tier), region: esc(c.region.name, 20), bank: esc(c.bank.name, 30) });
}

/**
 * May the caller manage inspections of this candidate? The secretariat manages every candidate (百佳 is theirs by
 * 第七条第（二）项); a regional admin manages 千佳 candidates of their own region (第八条第（三）项).
 */
export async function mayManage(ctx: BaseCtx, c: CandidateView): Promise<boolean> {
  const roles = ctx.services.roles;
  if (await roles.has(ctx.userId, 'secretariat')) return true;
  if (c.tier === 'bai') return false;
  const scope = await roles.regionScope(ctx.userId);
  return scope === 'all' || scope.includes(c.region.id);
}

/** The conflict of interest, if any: the bank the inspector shares with the unit. */
export async function conflictOf(ctx: BaseCtx, inspectorOpenId: string, c: CandidateView): Promise<string | null> {
  const banks = await ctx.services.inspections.banksOf(inspectorOpenId);
  return banks.includes(c.unit.memberUnitId) ? c.bank.name : null;
}

/** One deduction problem, in words an inspector can act on. */
export function problemText(ctx: BaseCtx, rubric: Rubric, p: DeductionProblem): string {
  const hit = findItem(rubric, p.itemId);
  const item = hit ? `${hit.item.id} ${hit.item.name}` : plain(p.itemId, 20);
  switch (p.code) {
    case 'not_a_number':
      return ctx.t('score.problem_nan', { item, input: plain(p.input, 10) });
    case 'unknown_item':
      return ctx.t('score.problem_unknown_item', { item });
    case 'not_in_check':
      return ctx.t('score.problem_not_in_check', { item, kind: kindLabel(ctx, p.kind) });
    case 'below_zero':
      return ctx.t('score.problem_below_zero', { item, points: formatPoints(p.points) });
    case 'above_max':
      return ctx.t('score.problem_above_max', { item, points: formatPoints(p.points), max: formatPoints(p.max) });
    case 'off_step':
      return ctx.t('score.problem_off_step', { item, points: formatPoints(p.points), step: formatPoints(p.step) });
    case 'reason_required':
      return ctx.t('score.problem_reason', { item });
    case 'duplicate_item':
      return ctx.t('score.problem_duplicate_item', { item });
  }
}

export type Owned = { ok: true; ins: InspectionView; candidate: CandidateView; rubric: Rubric } | { ok: false; text: string };

/**
 * Whether the caller may make `move` on check `id` now: the check and its candidate, the caller's grants and banks are
 * read through `db` (pass the transaction that will write). Decided in src/domain/inspection.ts; null when there is no
 * such check.
 */
export async function inspectionDecision(ctx: BaseCtx, db: Db, id: number, move: InspectionMove) {
  const ins = await ctx.services.inspections.get(id, db);
  const candidate = ins && (await ctx.services.inspections.candidate(ins.applicationId, db));
  if (!ins || !candidate) return null;
  const banks = await ctx.services.inspections.banksOf(ins.inspectorOpenId, db);
  const actor = { openId: ctx.userId, grants: await grantsIn(db, ctx.userId) };
  const d = decideInspection(actor, { status: ins.status, inspectorOpenId: ins.inspectorOpenId, tier: candidate.tier, regionId: candidate.region.id, conflictBank: banks.includes(candidate.unit.memberUnitId) ? candidate.bank.name : null }, move);
  return { d, ins, candidate };
}

/** The words for an inspection refusal, keeping the inspector-facing texts of score.* where they exist. */
function refusalFor(ctx: BaseCtx, id: number, r: Refusal, bank?: string): string {
  if (r.code === 'not_yours') return ctx.t('score.not_yours', { id });
  if (r.code === 'conflict') return ctx.t('score.conflict', { id, bank: plain(bank ?? String(r.params?.bank ?? ''), 30) });
  if (r.code === 'state') return ctx.t(r.params?.state === 'SUBMITTED' ? 'score.already_submitted' : 'score.recused', { id });
  return ctx.refusalText(r);
}

/**
 * Loads a check the caller may score: theirs, still open, with no conflict of interest, and — read fresh — an
 * inspector role that covers it (a revoked inspector's buttons do nothing). Refusals are audited.
 */
export async function ownInspection(ctx: BaseCtx, id: number, opts: { open?: boolean } = { open: true }): Promise<Owned> {
  const got = await inspectionDecision(ctx, ctx.deps.prisma, id, 'draft');
  if (!got) return { ok: false, text: ctx.t('score.not_yours', { id }) };
  const { d, ins, candidate } = got;
  const closedOnly = d.kind === 'refused' && d.refusal.code === 'state' && opts.open === false;
  if (d.kind === 'refused' && !closedOnly) {
    await ctx.refused('inspection.score', `inspection:${id}`, d.refusal);
    return { ok: false, text: refusalFor(ctx, id, d.refusal) };
  }
  const rubric = ctx.services.rubrics.get(ins.rubricId);
  if (!rubric) return { ok: false, text: ctx.t('score.rubric_missing', { rubric: ins.rubricId }) };
  return { ok: true, ins, candidate, rubric };
}

/**
 * Saves draft deductions after re-checking, in the same transaction, that the caller may still score this check.
 * Returns the refusal's words, or null once saved.
 */
export async function saveDraftChecked(ctx: BaseCtx, id: number, entries: readonly Deduction[]): Promise<string | null> {
  return ctx.deps.atomic.run(async (w) => {
    const got = await inspectionDecision(ctx, w.tx, id, 'draft');
    if (!got) return ctx.t('score.not_yours', { id });
    if (got.d.kind === 'refused') {
      await w.refused({ actorId: ctx.userId, act: 'inspection.draft', target: `inspection:${id}`, refusal: got.d.refusal });
      return refusalFor(ctx, id, got.d.refusal);
    }
    return (await ctx.services.inspections.saveDraft(ctx.userId, id, entries, w.tx)) ? null : ctx.t('score.already_submitted', { id });
  });
}
