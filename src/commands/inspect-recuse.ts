/** Why: `/inspect recuse <任务编号> <原因>` (/回避): an inspector steps back from a check; the recusal is recorded, audited and reported. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { candidateLabel, idFrom, kindLabel, plain } from './inspection-shared.ts';

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
    const { inspections } = ctx.services;
    const ins = await inspections.get(a.id);
    if (!ins || ins.inspectorOpenId !== ctx.userId) {
      await ctx.reply(ctx.t('score.not_yours', { id: a.id }));
      return;
    }
    if (ins.status !== 'ASSIGNED') {
      await ctx.reply(ctx.t(ins.status === 'SUBMITTED' ? 'recuse.after_submit' : 'recuse.already', { id: a.id }));
      return;
    }
    if (!(await inspections.recuse(ctx.userId, a.id, a.reason))) {
      await ctx.reply(ctx.t('recuse.already', { id: a.id }));
      return;
    }
    await ctx.services.surfaces.inspectionChanged(a.id);
    const c = await inspections.candidate(ins.applicationId);
    const label = c ? candidateLabel(ctx, c) : `#${ins.applicationId}`;
    const vars = { id: a.id, candidate: label, kind: kindLabel(ctx, ins.kind), reason: plain(a.reason, 200), inspector: plain(ctx.userId, 40) };
    if (ins.assignedBy !== ctx.userId) await ctx.sendToUser(ins.assignedBy, ctx.t('recuse.notice', vars), `inspection:${a.id}:recused`);
    await ctx.reply(ctx.t('recuse.done', vars));
  },
});
