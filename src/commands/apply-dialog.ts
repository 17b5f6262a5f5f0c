/** Why: the dialog cards' buttons, selects and date picker; a click on a card the dialog has moved past changes nothing. */
import { z } from 'zod';
import { defineCardAction } from './types.ts';
import type { CardContext, CardResponse } from '../pipeline/context.ts';
import type { Session } from '../flows/session.ts';
import type { ApplyState } from '../flows/apply/machine.ts';
import { QUESTION_IDS } from '../domain/eligibility.ts';
import { card, md } from '../cards/common.ts';

const sv = z.coerce.number().int().nonnegative();

/** Loads the live session and checks the card's version; returns a toast when the card is stale or the dialog gone. */
async function current(ctx: CardContext, cardVersion: number | undefined): Promise<Session<ApplyState> | CardResponse> {
  const flow = ctx.services.apply.flow;
  const s = await flow.live(ctx);
  if (typeof s === 'string') return ctx.toast('info', s);
  if (cardVersion !== undefined && cardVersion !== s.version) return ctx.toast('warning', ctx.t('apply.stale_card'));
  return s;
}

const isSession = (x: unknown): x is Session<ApplyState> => !!x && typeof x === 'object' && 'state' in x;

export const answerValue = z.object({ a: z.literal('apply.answer'), q: z.enum(QUESTION_IDS), v: z.string().max(100).optional(), sv });

export const applyAnswer = defineCardAction({
  action: 'apply.answer',
  value: answerValue,
  async handle(ctx, v) {
    const s = await current(ctx, v.sv);
    if (!isSession(s)) return s;
    // A date picker reports its choice in `option` (e.g. "2023-05-01 +0800"); buttons carry `v`.
    const raw = v.v ?? ctx.action.option ?? ctx.action.inputValue ?? '';
    return ctx.services.apply.flow.step(ctx, s, raw, v.q);
  },
});

export const pickValue = z.object({ a: z.literal('apply.pick'), field: z.enum(['bank', 'region', 'tier']), v: z.string().max(60).optional(), sv });

export const applyPick = defineCardAction({
  action: 'apply.pick',
  value: pickValue,
  async handle(ctx, v) {
    const s = await current(ctx, v.sv);
    if (!isSession(s)) return s;
    if (s.state.step.kind !== v.field) return ctx.toast('warning', ctx.t('apply.stale_card'));
    return ctx.services.apply.flow.step(ctx, s, v.v ?? ctx.action.option ?? '');
  },
});

export const stepValue = z.object({ a: z.enum(['apply.begin', 'apply.special', 'apply.cancel']), sv });

export const applyStep = ['apply.begin', 'apply.special', 'apply.cancel'].map((action) =>
  defineCardAction({
    action,
    value: stepValue,
    async handle(ctx, v) {
      const flow = ctx.services.apply.flow;
      const s = await current(ctx, v.sv);
      if (!isSession(s)) return s;
      if (v.a === 'apply.cancel') {
        await flow.sessions.end(ctx.userId);
        return ctx.toast('info', ctx.t('apply.cancelled'), card(ctx.t('apply.title'), [md(ctx.t('apply.cancelled'))], 'grey'));
      }
      if (s.state.step.kind !== 'verdict') return ctx.toast('warning', ctx.t('apply.stale_card'));
      if (v.a === 'apply.begin') return flow.begin(ctx, s);
      // An approval is bound to one unit: the dialog asks for its name, bank and region, then the reason.
      const next = await flow.sessions.save(s, { ...s.state, purpose: 'special', step: { kind: 'unit_name' } });
      await ctx.sendToUser(ctx.userId, `${ctx.t('special.ask_unit')}\n${ctx.t('unit.ask_name')}`, `special:ask:${next.version}:${ctx.userId}`);
      return ctx.toast('info', ctx.t('special.ask_toast'));
    },
  }),
);

export const restartValue = z.object({ a: z.literal('apply.restart') });

export const applyRestart = defineCardAction({
  action: 'apply.restart',
  value: restartValue,
  async handle(ctx) {
    const flow = ctx.services.apply.flow;
    const s = await flow.live(ctx);
    return flow.start(ctx, typeof s === 'string' ? undefined : s.state.campaignId);
  },
});
