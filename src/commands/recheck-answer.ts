/** Why: in 复选 a bank's member-unit admin confirms a listed unit, or reports a problem with a reason, by card (第九条（四）). */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import { toUser } from '../pipeline/context.ts';
import { decidedCard } from '../cards/review.ts';
import { plain } from './inspection-shared.ts';
import { decideRecheck } from '../domain/results-round.ts';
import { recheckItem, setRecheckIn } from '../store/recheck.ts';

export const value = z.object({ a: z.literal('recheck.answer'), item: z.coerce.number().int().positive(), d: z.enum(['confirm', 'flag']) });

export const recheckAnswer = defineCardAction({
  action: 'recheck.answer',
  value,
  async handle(ctx, v) {
    const reason = cut(String(ctx.action.formValue?.reason ?? '').trim(), 200);
    const confirm = v.d === 'confirm';
    const r = await ctx.deps.atomic.run(async (w) => {
      const item = await recheckItem(w.tx, v.item);
      if (!item) return null;
      const round = await ctx.services.results.round(item.campaignId, w.tx);
      const bankTerminated = await ctx.services.participation.terminationOf(w.tx, item.campaignId, 'member', item.bankId);
      const d = decideRecheck(await w.actor(ctx.userId), { status: item.status, bankId: item.bankId, announced: !!round.announcedAt, bankTerminated }, { by: 'bank', confirm, reason });
      if (d.kind === 'refused') await w.refused({ actorId: ctx.userId, act: 'recheck.answer', target: `recheck:${item.id}`, refusal: d.refusal });
      if (d.kind !== 'allowed') return { d, item };
      await setRecheckIn(w, ctx.userId, item, d.to, d.action, 'bank', reason || null);
      if (!confirm) {
        const bank = (await w.tx.memberUnit.findUnique({ where: { id: item.bankId } }))?.name ?? '';
        const secs = [...new Set((await w.tx.roleGrant.findMany({ where: { role: 'secretariat' } })).map((g) => g.openId))];
        const text = ctx.t('recheck.flag_notice', { bank: plain(bank, 30), unit: plain(item.unitName, 40), app: item.applicationId, reason: plain(reason, 200) });
        await w.send(secs.map((s) => toUser(s, text, `recheck:${item.campaignId}:${item.id}:flag:${s}`)));
      }
      return { d, item };
    });
    if (!r) return ctx.toast('warning', ctx.t('errors.bad_card_value'));
    if (r.d.kind === 'refused') return ctx.toast(r.d.refusal.code === 'reason_required' ? 'warning' : 'error', ctx.refusalText(r.d.refusal));
    const title = ctx.t('recheck.decided_title', { unit: plain(r.item.unitName, 40) });
    if (r.d.kind === 'noop') return ctx.toast('info', ctx.t('special.already'), decidedCard(ctx.deps.messages, title, ctx.t('special.already'), true));
    const text = ctx.t(confirm ? 'recheck.confirmed' : 'recheck.flagged');
    return ctx.toast('success', text, decidedCard(ctx.deps.messages, title, text, confirm));
  },
});
