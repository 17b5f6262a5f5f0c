/** Why: runs the application dialog: loads the persisted state machine, applies text or card input, answers with the next step. */
import type { BaseContext, Card, CardResponse, Deps, MessageContext } from '../../pipeline/context.ts';
import { CardContext } from '../../pipeline/context.ts';
import { SessionStore, type Session } from '../session.ts';
import { APPLY_STATE_VERSION, answer, initialState, mayApply, verdictOf, type ApplyState, type ApplyStep, type VerdictOptions } from './machine.ts';
import { nameProblem, normalizeName } from '../../domain/names.ts';
import { checkBankTie } from '../application/open.ts';
import { claimCard } from '../../cards/claim.ts';
import { pickCard, questionCard, tierCard, verdictCard } from './cards.ts';
import type { QuestionId } from '../../domain/eligibility.ts';
import type { EligibilityData } from '../../domain/eligibility-data.ts';
import { isPastDeadline, milestoneStart, MilestoneMissingError, type MilestoneId } from '../../domain/calendar.ts';
import type { LocalDate } from '../../domain/dates.ts';
import { tierName } from '../../store/cycle.ts';
import { userText } from '../../cards/markdown.ts';
import { MAX_TEXT_CHARS } from '../../pipeline/router.ts';
import { toLocalDate } from '../../domain/dates.ts';

const toLocal = (deps: Deps) => toLocalDate(deps.clock.now(), deps.config.timezone);
import { loadEligibilityFile, type ApplicationFlowServices } from './services.ts';
import { ChecklistWordsFlow } from './checklist-words.ts';
import { parseChecklistCommand } from '../../domain/checklist.ts';

export type Answerable = MessageContext | CardContext;

export class ApplyFlow {
  readonly name = 'apply';
  readonly sessions: SessionStore<ApplyState>;
  /** 第十一条's choices, answer words and readings (prompts/zh-CN/eligibility.yaml), checked at start. */
  readonly data: EligibilityData;
  /** Checklist words outside a dialog at its checklist step (registered after this flow in src/features.ts). */
  readonly words: ChecklistWordsFlow;

  constructor(private readonly deps: Deps, private readonly app: ApplicationFlowServices, data?: EligibilityData) {
    this.sessions = new SessionStore<ApplyState>(deps.prisma, 'apply', () => deps.clock.now(), deps.config.sessionIdleMinutes * 60_000);
    this.data = data ?? loadEligibilityFile();
    this.words = new ChecklistWordsFlow(deps, app);
  }

  /** A campaign's milestone date; a campaign without it is refused by name (MilestoneMissingError), never given a made-up date. */
  async milestone(campaignId: number, id: MilestoneId): Promise<LocalDate> {
    const c = await this.deps.services.campaigns.get(campaignId);
    return milestoneStart(c ?? { id: campaignId, milestones: [] }, id);
  }

  /** The day clause 4 ("开业2年以上") is measured at: the milestone named by eligibility.yaml clause4.measuredAt (申报截止). */
  async deadline(campaignId: number): Promise<LocalDate> {
    return this.milestone(campaignId, this.data.clause4.measuredAt);
  }

  /** Everything `verdictOf` needs for this campaign, today. */
  async verdictOptions(ctx: BaseContext, campaignId: number): Promise<VerdictOptions> {
    return { deadline: await this.deadline(campaignId), today: ctx.today(), data: this.data };
  }

  /** The name of the milestone clause 4 is measured at, as the campaign calls it (申报截止), for the verdict card. */
  measuredAtName(): string {
    return this.deps.services.cycle.milestones.find((m) => m.id === this.data.clause4.measuredAt)?.name ?? this.data.clause4.measuredAt;
  }

  /** Runs a step; a campaign missing a date the rules need gets a plain answer naming it (and the log the details). */
  async guard(ctx: Answerable, run: () => Promise<CardResponse>): Promise<CardResponse> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof MilestoneMissingError)) throw err;
      this.deps.logger.error({ err }, 'campaign milestone missing');
      return this.answerWith(ctx, ctx.t('apply.milestone_missing', { id: err.campaignId }));
    }
  }

  /** Sends (text) or returns (card click) an answer: a card or a line of text. */
  async answerWith(ctx: Answerable, body: Card | string, toast?: string): Promise<CardResponse> {
    if (ctx instanceof CardContext) {
      if (typeof body === 'string') return ctx.toast('info', body);
      return ctx.toast('success', toast ?? ctx.t('review.toast_ok'), body);
    }
    await ctx.reply(body);
    return {};
  }

  /** Starts a fresh dialog for a campaign (the only open one, or the one named). */
  start(ctx: Answerable, campaignId?: number): Promise<CardResponse> {
    return this.guard(ctx, () => this.startUnguarded(ctx, campaignId));
  }

  private async startUnguarded(ctx: Answerable, campaignId?: number): Promise<CardResponse> {
    const open = await this.deps.services.campaigns.byStatus(['OPEN']);
    const chosen = campaignId !== undefined ? open.find((c) => c.id === campaignId) : open.length === 1 ? open[0] : undefined;
    if (!chosen) {
      const text = open.length === 0 || campaignId !== undefined ? ctx.t('apply.no_campaign') : ctx.t('apply.which_campaign', { list: open.map((c) => `#${c.id} ${userText(c.name, 40)}`).join('、') });
      return this.answerWith(ctx, text);
    }
    const closedOn = await this.closedOn(chosen.id);
    if (closedOn) return this.answerWith(ctx, ctx.t('apply.deadline_passed', { deadline: closedOn }));
    const s = await this.sessions.start(ctx.userId, initialState(chosen.id));
    const first = await this.render(ctx, s);
    // The dialog is personal: from a shared card or a group it opens in the person's own chat with the bot.
    if (ctx instanceof CardContext || ctx.msg.chatType === 'group') {
      await ctx.sendToUser(ctx.userId, first, `apply:start:${ctx.eventId}`);
      return ctx instanceof CardContext ? ctx.toast('success', ctx.t('apply.sent_to_p2p')) : (await ctx.reply(ctx.t('apply.sent_to_p2p')), {});
    }
    return this.answerWith(ctx, first);
  }

  /** The campaign's 申报截止 when it has passed (today is later), otherwise null. */
  async closedOn(campaignId: number): Promise<LocalDate | null> {
    const deadline = await this.milestone(campaignId, 'apply_deadline');
    return isPastDeadline(toLocal(this.deps), deadline) ? deadline : null;
  }

  /** The card for the session's current step. */
  async render(ctx: BaseContext, s: Session<ApplyState>): Promise<Card | string> {
    const m = this.deps.messages;
    const st = s.state;
    switch (st.step.kind) {
      case 'question':
        return questionCard(m, this.data, st.step.q, s.version);
      case 'verdict': {
        const o = await this.verdictOptions(ctx, st.campaignId);
        return verdictCard(m, this.data, verdictOf(st, o), { name: this.measuredAtName(), date: o.deadline }, s.version);
      }
      case 'special_explain':
        return ctx.t('special.ask_reason');
      case 'unit_name':
        return ctx.t('unit.ask_name');
      case 'bank': {
        const banks = await this.deps.services.directory.banks();
        return banks.length ? pickCard(m, 'bank', banks, s.version) : ctx.t('unit.no_banks');
      }
      case 'region': {
        const regions = await this.deps.services.directory.regions();
        return regions.length ? pickCard(m, 'region', regions, s.version) : ctx.t('unit.no_regions');
      }
      case 'tier': {
        const c = await this.deps.services.campaigns.get(st.campaignId);
        return tierCard(m, (c?.tiers ?? []).map((id) => ({ id, name: tierName(this.deps.services.cycle, id) })), s.version);
      }
      case 'checklist':
        return this.app.progressCardFor(st.applicationId!);
    }
  }

  /** Ends dialogs idle past SESSION_IDLE_MINUTES and tells each person once, kindly; saved applications stay. */
  async sweep(): Promise<number> {
    const expired = await this.sessions.sweepExpired();
    const hours = Math.round(this.deps.config.sessionIdleMinutes / 60) || 1;
    for (const s of expired) {
      await this.deps.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: s.userId, msgType: 'text', content: { text: this.deps.messages.t('apply.expired', { hours }) }, dedupeKey: `apply:expired:${s.id}:${s.version}` });
    }
    return expired.length;
  }

  /** Loads the live session; tells the user kindly when it expired or is missing. */
  async live(ctx: Answerable): Promise<Session<ApplyState> | string> {
    const { session, expired } = await this.sessions.load(ctx.userId);
    if (expired) {
      await this.sessions.end(ctx.userId);
      return ctx.t('apply.expired', { hours: Math.round(this.deps.config.sessionIdleMinutes / 60) || 1 });
    }
    if (!session) return ctx.t('apply.no_session');
    if (session.state.v !== APPLY_STATE_VERSION) {
      await this.sessions.end(ctx.userId);
      return ctx.t('apply.restarted_old');
    }
    return session;
  }

  /** Free text while a dialog is active: the answer to the current step, or a helpful re-prompt. */
  async onText(ctx: MessageContext): Promise<boolean> {
    const { session, expired } = await this.sessions.load(ctx.userId);
    if (!session && !expired) return false;
    if (parseChecklistCommand(ctx.msg.text)) {
      // Checklist words: the dialog's own application at its checklist step; otherwise the person's draft, whatever
      // step the dialog is at or however long ago it idled out (the words say what they want; no expiry note first).
      if (session?.state.step.kind === 'checklist' && session.state.v === APPLY_STATE_VERSION) return this.app.onChecklistText(ctx, session.state.applicationId!);
      if (expired) {
        await this.sessions.end(ctx.userId);
        return false;
      }
      // With no draft at all the words mean nothing yet: the live dialog's current step asks its question again.
      if ((await this.app.drafts(ctx.userId)).length > 0) return false;
    }
    const s = await this.live(ctx);
    if (typeof s === 'string') {
      await ctx.reply(s);
      return true;
    }
    // At the checklist step anything else is not an answer: the not-understood guess knows what is still missing.
    if (s.state.step.kind === 'checklist') return false;
    await this.step(ctx, s, ctx.msg.text);
    return true;
  }

  /** Applies one input (text or a card's value) to the current step. */
  step(ctx: Answerable, s: Session<ApplyState>, raw: string, q?: QuestionId): Promise<CardResponse> {
    return this.guard(ctx, () => this.apply(ctx, s, raw, q));
  }

  private async apply(ctx: Answerable, s: Session<ApplyState>, raw: string, q?: QuestionId): Promise<CardResponse> {
    const st = s.state;
    if (Array.from(raw).length > MAX_TEXT_CHARS) return this.answerWith(ctx, ctx.t('apply.too_long', { max: MAX_TEXT_CHARS }));
    switch (st.step.kind) {
      case 'question': {
        const r = answer(st, q ?? st.step.q, raw, { today: ctx.today(), data: this.data });
        if ('problem' in r) {
          const text = ctx.t(r.problem.key, r.problem.params ?? {});
          // A choice reply that could not be read: the question again, its buttons carrying the choices' words.
          if (r.problem.offer && st.step.kind === 'question') return this.answerWith(ctx, questionCard(this.deps.messages, this.data, st.step.q, s.version, { text, offer: r.problem.offer }), text);
          return this.answerWith(ctx, text);
        }
        const next = await this.sessions.save(s, r.state);
        return this.answerWith(ctx, await this.render(ctx, next));
      }
      case 'verdict': {
        // Text at the verdict: "开始申报"/"1" goes on; "特殊"/"2" asks for a special case; anything else shows it again.
        const t = raw.trim();
        if (/^(1|开始|开始申报|申报)$/.test(t)) return this.begin(ctx, s);
        if (/^(2|特殊|特殊情况|申请特殊情况认可?)$/.test(t)) {
          if (!verdictOf(st, await this.verdictOptions(ctx, st.campaignId)).specialCaseAllowed) return this.answerWith(ctx, await this.render(ctx, s));
          // An approval is bound to one unit: ask which (name, bank, region) before the reason.
          await this.sessions.save(s, { ...st, purpose: 'special', step: { kind: 'unit_name' } });
          return this.answerWith(ctx, `${ctx.t('special.ask_unit')}\n${ctx.t('unit.ask_name')}`);
        }
        return this.answerWith(ctx, await this.render(ctx, s));
      }
      case 'special_explain': {
        const explanation = raw.trim();
        if (Array.from(explanation).length < 4) return this.answerWith(ctx, ctx.t('special.ask_reason'));
        const filed = await this.app.fileSpecialCase(ctx, st, explanation);
        if (filed.ok) await this.sessions.end(ctx.userId);
        return this.answerWith(ctx, filed.text);
      }
      case 'unit_name': {
        // Names are compared and stored in one form (NFKC, no invisible or control characters), so look-alikes are one unit.
        const name = normalizeName(raw);
        if (nameProblem(name)) return this.answerWith(ctx, ctx.t('unit.name_bad'));
        const next = await this.sessions.save(s, { ...st, unit: { ...st.unit, name }, step: { kind: 'bank' } });
        return this.answerWith(ctx, await this.render(ctx, next));
      }
      case 'bank':
      case 'region':
        return this.pick(ctx, s, st.step.kind, raw);
      case 'tier': {
        const tier = (await this.deps.services.campaigns.get(st.campaignId))?.tiers.find((t) => t === raw || tierName(this.deps.services.cycle, t) === raw.trim() || tierName(this.deps.services.cycle, t).startsWith(raw.trim().slice(0, 2)));
        if (!tier) return this.answerWith(ctx, await this.render(ctx, s));
        return this.app.createApplication(ctx, this, s, tier);
      }
      default:
        return this.answerWith(ctx, await this.render(ctx, s));
    }
  }

  /** Bank or region chosen from the select (an id) or typed (a name). */
  async pick(ctx: Answerable, s: Session<ApplyState>, field: 'bank' | 'region', raw: string): Promise<CardResponse> {
    const dir = this.deps.services.directory;
    const list = field === 'bank' ? await dir.banks() : await dir.regions();
    const t = raw.trim();
    const hit = list.find((x) => String(x.id) === t || x.name === t) ?? list.find((x) => t.length >= 2 && (x.name.includes(t) || t.includes(x.name)));
    if (!hit) {
      const key = field === 'bank' ? 'unit.unknown_bank' : 'unit.unknown_region';
      return this.answerWith(ctx, ctx.t(key, { input: userText(t, 30), known: list.map((x) => x.name).join('、') || '—' }));
    }
    const st = s.state;
    if (field === 'bank') {
      // Only a bank's own 网点负责人 may apply (or ask for a special case) for its units: say so now, with a way to ask.
      const refused = await checkBankTie(ctx, st.campaignId, hit.id, st.unit.regionId);
      if (refused) return this.answerWith(ctx, claimCard(this.deps.messages, ctx.refusalText(refused), hit.id));
    }
    const unit = field === 'bank' ? { ...st.unit, bankId: hit.id } : { ...st.unit, regionId: hit.id };
    const after: ApplyStep = field === 'bank' ? { kind: 'region' } : st.purpose === 'special' ? { kind: 'special_explain' } : { kind: 'tier' };
    const next = await this.sessions.save(s, { ...st, unit, step: after });
    return this.answerWith(ctx, await this.render(ctx, next));
  }

  /** After an eligible verdict (or an approved special case): go on to the unit's details. */
  begin(ctx: Answerable, s: Session<ApplyState>): Promise<CardResponse> {
    return this.guard(ctx, () => this.beginUnguarded(ctx, s));
  }

  private async beginUnguarded(ctx: Answerable, s: Session<ApplyState>): Promise<CardResponse> {
    const closedOn = await this.closedOn(s.state.campaignId);
    if (closedOn) return this.answerWith(ctx, ctx.t('apply.deadline_passed', { deadline: closedOn }));
    if (!mayApply(s.state, await this.verdictOptions(ctx, s.state.campaignId))) return this.answerWith(ctx, ctx.t('submit.not_eligible'));
    const next = await this.sessions.save(s, { ...s.state, step: { kind: 'unit_name' } });
    return this.answerWith(ctx, await this.render(ctx, next));
  }
}
