/** Why: `/inspect recuse <任务编号> <原因>` (/回避): an inspector steps back from a check; the recusal is recorded, audited and reported. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { candidateLabel, idFrom, inspectionDecision, kindLabel, plain } from './inspection-shared.ts';
import { toUser } from '../pipeline/context.ts';

export const args = z
  .array(z.string())
  .min(2, 'args.recuse_shape')
  .transform((w, ctx) => {
    const id = idFrom(w[0]);
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: 'args.inspection_id' });
      return z.NEVER;
    }
    return { id, reason: cut(w.slice(1).join(' ').trim(), 500) };
  });

export const inspectRecuse = defineCommand({
  name: 'inspect recuse',
  triggers: ['/inspect recuse', '/回避'],
  summaryKey: 'commands.inspect_recuse',
  roles: ['inspector'],
  args,
  async handle(ctx, a) {
    // The decision (src/domain/inspection.ts), the recusal, its audit row and the notice to whoever assigned it are one transaction.
    const r = await ctx.deps.atomic.run(async (w) => {
      const got = await inspectionDecision(ctx, w.tx, a.id, 'recuse');
      if (!got) return { text: ctx.t('score.not_yours', { id: a.id }) };
      const { d, ins, candidate } = got;
      if (d.kind === 'refused') {
        await w.refused({ actorId: ctx.userId, act: 'inspection.recuse', target: `inspection:${a.id}`, refusal: d.refusal });
        return { text: d.refusal.code === 'not_yours' ? ctx.t('score.not_yours', { id: a.id }) : ctx.t('recuse.after_submit', { id: a.id }) };
      }
      if (d.kind === 'noop' || !(await ctx.services.inspections.recuse(ctx.userId, a.id, a.reason, w.tx))) return { text: ctx.t('recuse.already', { id: a.id }) };
      const vars = { id: a.id, candidate: candidateLabel(ctx, candidate), kind: kindLabel(ctx, ins.kind), reason: plain(a.reason, 200), inspector: plain(ctx.userId, 40) };
      if (ins.assignedBy !== ctx.userId) await w.send(toUser(ins.assignedBy, ctx.t('recuse.notice', vars), `inspection:${a.id}:recused`));
      return { text: ctx.t('recuse.done', vars), recused: true };
    });
    // Issue 16's task for this check is deleted once the recusal is committed.
    if ('recused' in r) await ctx.services.surfaces.inspectionChanged(a.id);
    await ctx.reply(r.text);
  },
});
