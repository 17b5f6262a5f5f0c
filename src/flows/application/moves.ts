/**
 * Why: the application's moves that others hear about — submission, the bank's 报备 / 资格审定, the region's 初选 — each
 * run as one transaction: grants and state read fresh, the decision (src/domain/application.ts), the new status, its
 * audit row, and every notice and review card it causes. Text commands and card buttons both come through here.
 */
import type { Db } from '../../store/db.ts';
import type { Work } from '../../store/atomic.ts';
import type { Outbound } from '../../send/sender.ts';
import { toChat, toUser, type BaseContext, type Deps } from '../../pipeline/context.ts';
import { decideReview, decideSubmit, firstStage, type ApplicationDecision, type ApplicationFacts, type ApplicationEffect, type ReviewStage } from '../../domain/application.ts';
import { progress } from '../../domain/checklist.ts';
import { reviewCard } from '../../cards/review.ts';
import { tierName } from '../../store/cycle.ts';
import { userText } from '../../cards/markdown.ts';
import type { ApplicationView } from '../../store/applications.ts';

export type MoveResult = { kind: 'missing' } | { decision: ApplicationDecision; view: ApplicationView };

/** The card for whoever decides `stage`, to each of them and (for the region) its group; the secretariat hears when nobody can. */
export async function reviewOutbounds(db: Db, deps: Deps, a: ApplicationView, stage: ReviewStage): Promise<Outbound[]> {
  const m = deps.messages;
  const svc = deps.services;
  const qualify = svc.process.review.qualificationTiers.includes(a.tier);
  const card = reviewCard(m, stage, a, tierName(svc.cycle, a.tier), progress(svc.apply.app.checklist, a.checklist), qualify);
  const grants = await db.roleGrant.findMany({
    where: stage === 'member' ? { role: 'member_admin', scopeType: 'member', scopeId: a.unit.bankId } : { role: 'regional_admin', scopeType: 'region', scopeId: a.unit.regionId },
  });
  const reviewers = [...new Set(grants.map((g) => g.openId))];
  const out = reviewers.map((r) => toUser(r, card, `review:${stage}:${a.id}:${r}`));
  if (stage === 'region' && a.unit.regionChatId) out.push(toChat(a.unit.regionChatId, card, `review:${stage}:${a.id}:group`));
  if (!out.length) {
    const who = stage === 'member' ? userText(a.unit.bank, 40) : userText(a.unit.region, 30);
    out.push(toUser(a.managerOpenId, m.t(stage === 'member' ? 'submit.no_member_admin' : 'submit.no_region_reviewer', { bank: who, region: who }), `nobody:${stage}:${a.id}`));
    for (const sec of await db.roleGrant.findMany({ where: { role: 'secretariat' } })) {
      out.push(toUser(sec.openId, m.t('submit.nobody_notice', { id: a.id, unit: userText(a.unit.name, 60), who }), `nobody:${stage}:${a.id}:${sec.openId}`));
    }
  }
  return out;
}

/** The manager hears each status change once. */
export function managerNotice(deps: Deps, a: ApplicationView, status: string, reason: string | null): Outbound {
  const t = deps.messages.t.bind(deps.messages);
  const text = t('notify.status', { unit: userText(a.unit.name, 60), tier: tierName(deps.services.cycle, a.tier), status: t(`appstatus.${status}`), reason: reason ? t('notify.reason', { reason: userText(reason, 200) }) : '' });
  return toUser(a.managerOpenId, text, `notify:${a.id}:${status}`);
}

async function effectsOut(w: Work, deps: Deps, a: ApplicationView, effects: readonly ApplicationEffect[]): Promise<Outbound[]> {
  const out: Outbound[] = [];
  for (const e of effects) {
    if (e.kind === 'notify_manager') out.push(managerNotice(deps, a, e.status, e.reason));
    else out.push(...(await reviewOutbounds(w.tx, deps, a, e.stage)));
  }
  return out;
}

/** One move of one application, decided and written inside a transaction; refusals are audited. */
async function run(ctx: BaseContext, appId: number, act: string, decide: (f: ApplicationFacts, w: Work) => Promise<ApplicationDecision>, reason: string | null, extraOut?: (view: ApplicationView) => Outbound[]): Promise<MoveResult> {
  const { apps } = ctx.services.apply.app;
  return ctx.deps.atomic.run(async (w) => {
    const got = await apps.facts(w.tx, appId, ctx.services.participation);
    if (!got) return { kind: 'missing' } as const;
    const decision = await decide(got.facts, w);
    if (decision.kind === 'refused') {
      await w.refused({ actorId: ctx.userId, act, target: `application:${appId}`, refusal: decision.refusal });
      return { decision, view: got.view };
    }
    if (decision.kind === 'noop') return { decision, view: got.view };
    if (!(await apps.moveIn(w, ctx.userId, appId, decision, reason))) {
      const now = (await apps.get(appId, w.tx))!;
      return { decision: { kind: 'noop', state: now.status }, view: now };
    }
    const view = (await apps.get(appId, w.tx))!;
    await w.send([...(await effectsOut(w, ctx.deps, view, decision.effects)), ...(extraOut?.(view) ?? [])]);
    return { decision, view };
  });
}

/** A reviewer's decision on whatever stage the application is at (the card says only which application, and yes or no). */
export function reviewDecision(ctx: BaseContext, appId: number, approve: boolean, reason: string): Promise<MoveResult> {
  const rules = ctx.services.process.review;
  return run(ctx, appId, 'review.decide', async (f, w) => decideReview(await w.actor(ctx.userId), f, { approve, reason }, rules), reason.trim() || null);
}

/**
 * The manager submits: the status, the audit row, the review cards of the first stage and `extra` (the manager's
 * own confirmation) in one transaction. The caller has checked what only the apply flow knows (eligibility, checklist).
 */
export function submitApplication(ctx: BaseContext, appId: number, extra?: (view: ApplicationView) => Outbound[]): Promise<MoveResult> {
  const rules = ctx.services.process.review;
  return run(ctx, appId, 'application.submit', async (f, w) => decideSubmit(await w.actor(ctx.userId), f, rules), null, extra);
}

/** What the manager is told comes next after submitting. */
export function nextStepText(ctx: BaseContext, a: ApplicationView): string {
  const rules = ctx.services.process.review;
  if (firstStage(a.tier, rules) === 'region') return ctx.t('submit.next_qian', { region: userText(a.unit.region, 30) });
  if (rules.qualificationTiers.includes(a.tier)) return ctx.t('submit.next_bai', { bank: userText(a.unit.bank, 40) });
  return ctx.t('submit.next_filing', { bank: userText(a.unit.bank, 40), region: userText(a.unit.region, 30) });
}
