/** Why: reviewers decide by card: a bank's member-unit admin (百佳 资格审定), then the regional association (初选, within quota). */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { checkPreselection } from '../domain/quota.ts';
import { tierName } from '../store/cycle.ts';
import { userText } from '../cards/markdown.ts';
import { decidedCard } from '../cards/review.ts';
import type { ApplicationStatus } from '../store/applications.ts';

export const value = z.object({
  a: z.literal('review.decide'),
  stage: z.enum(['member', 'region']),
  app: z.coerce.number().int().positive(),
  d: z.enum(['approve', 'reject']),
});

export const reviewDecide = defineCardAction({
  action: 'review.decide',
  value,
  async handle(ctx, v) {
    const svc = ctx.services.apply.app;
    const a = await svc.apps.get(v.app);
    if (!a) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    const roles = ctx.services.roles;
    const allowed =
      v.stage === 'member'
        ? await roles.has(ctx.userId, 'member_admin', { type: 'member', id: a.unit.bankId })
        : (await roles.has(ctx.userId, 'regional_admin', { type: 'region', id: a.unit.regionId })) || (await roles.has(ctx.userId, 'secretariat'));
    if (!allowed) return ctx.toast('error', ctx.t('review.forbidden', { role: ctx.t(v.stage === 'member' ? 'roles.member_admin' : 'roles.regional_admin') }));

    const reason = cut(String(ctx.action.formValue?.reason ?? '').trim(), 200);
    if (v.d === 'reject' && !reason) return ctx.toast('warning', ctx.t('review.need_reason'));
    // 百佳 goes member review → region review; 千佳 goes straight to the region.
    const from: ApplicationStatus = v.stage === 'member' ? 'SUBMITTED' : a.tier === 'bai' ? 'QUALIFIED' : 'SUBMITTED';
    const to: ApplicationStatus = v.stage === 'member' ? (v.d === 'approve' ? 'QUALIFIED' : 'DISQUALIFIED') : v.d === 'approve' ? 'PRESELECTED' : 'REJECTED';
    const title = ctx.t(v.stage === 'member' ? 'review.member_title' : 'review.region_title', { unit: userText(a.unit.name, 40) });
    if (a.status !== from) return ctx.toast('info', ctx.t('review.already', { status: svc.statusName(a.status) }), decidedCard(ctx.deps.messages, title, ctx.t('review.already', { status: svc.statusName(a.status) }), a.status !== 'REJECTED' && a.status !== 'DISQUALIFIED'));

    let moved: boolean;
    if (to === 'PRESELECTED') {
      const quota = (await ctx.services.campaigns.quotas(a.campaignId)).find((q) => q.regionId === a.unit.regionId && q.tier === a.tier)?.quota;
      const tier = tierName(ctx.services.cycle, a.tier);
      if (quota === undefined) return ctx.toast('error', ctx.t('review.quota_unset', { region: userText(a.unit.region, 30), tier }));
      const r = await svc.apps.preselect(ctx.userId, a.id, from, a.unit.regionId, (already) => {
        const c = checkPreselection({ quota, alreadyPreselected: already });
        return c.ok ? { ok: true } : { ok: false, refusal: already };
      });
      if (r.refusal !== undefined) return ctx.toast('error', ctx.t('review.quota_full', { region: userText(a.unit.region, 30), tier, quota, already: r.refusal as number }));
      moved = r.moved;
    } else {
      moved = await svc.apps.move(ctx.userId, a.id, from, to, reason || undefined);
    }
    const now = (await svc.apps.get(a.id))!;
    if (!moved) return ctx.toast('info', ctx.t('review.already', { status: svc.statusName(now.status) }));

    await svc.notifyManager(ctx, now, to, reason || null);
    if (to === 'QUALIFIED') await svc.routeForReview(ctx, now, 'region');
    const decision = svc.statusName(to);
    const text = ctx.t('review.done', { decision, by: ctx.userId, reason: reason ? ctx.t('notify.reason', { reason: userText(reason, 200) }) : '' });
    return ctx.toast('success', ctx.t('review.toast_ok'), decidedCard(ctx.deps.messages, title, text, v.d === 'approve'));
  },
});
