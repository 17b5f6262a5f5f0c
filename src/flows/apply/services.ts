/** Why: the application's lasting side: creating it, the checklist card patched in place, submission, special cases, routing to reviewers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Card, CardResponse, Deps, MessageContext } from '../../pipeline/context.ts';
import { CardContext } from '../../pipeline/context.ts';
import { PROMPTS_DIR } from '../../prompts/index.ts';
import { itemByNo, loadChecklist, parseChecklistCommand, progress, setDone, setNote, type Checklist, type ChecklistWords } from '../../domain/checklist.ts';
import { ApplicationStore, type ApplicationView } from '../../store/applications.ts';
import { SpecialCaseStore } from '../../store/special-cases.ts';
import { tierName } from '../../store/cycle.ts';
import { userText } from '../../cards/markdown.ts';
import { failureReason, progressCard } from './cards.ts';
import { loadEligibilityData, type EligibilityData } from '../../domain/eligibility-data.ts';
import type { LocalDate } from '../../domain/dates.ts';
import { APPLY_STATE_VERSION, verdictOf, type ApplyState } from './machine.ts';
import { button, buttonRow, card, md } from '../../cards/common.ts';
import type { Session } from '../session.ts';
import type { Answerable, ApplyFlow } from './flow.ts';
import { nextStepText, submitApplication } from '../application/moves.ts';
import { fileSpecialCase, openApplication } from '../application/open.ts';

export function loadChecklistFile(dir = PROMPTS_DIR): Checklist {
  return loadChecklist(readFileSync(join(dir, 'checklist.yaml'), 'utf8'), 'prompts/zh-CN/checklist.yaml');
}

export function loadEligibilityFile(dir = PROMPTS_DIR): EligibilityData {
  return loadEligibilityData(readFileSync(join(dir, 'eligibility.yaml'), 'utf8'), 'prompts/zh-CN/eligibility.yaml');
}

export class ApplicationFlowServices {
  readonly apps: ApplicationStore;
  readonly specialCases: SpecialCaseStore;

  constructor(private readonly deps: Deps, readonly checklist: Checklist) {
    this.apps = new ApplicationStore(deps.prisma, () => deps.clock.now());
    this.specialCases = new SpecialCaseStore(deps.prisma, () => deps.clock.now());
  }

  private tier(id: string): string {
    return tierName(this.deps.services.cycle, id);
  }

  statusName(status: string): string {
    return this.deps.messages.t(`appstatus.${status}`);
  }

  /** The progress card; once the 申报截止 has passed (`closedOn`), a draft's card says so, with the date, and has no buttons. */
  cardFor(a: ApplicationView, closedOn: LocalDate | null): Card {
    return progressCard(this.deps.messages, { appId: a.id, unit: a.unit.name, bank: a.unit.bank, region: a.unit.region, tierName: this.tier(a.tier), status: a.status, statusName: this.statusName(a.status), list: this.checklist, state: a.checklist, closedOn });
  }

  /** The application's campaign 申报截止 when it has passed, otherwise null (a campaign without one: MilestoneMissingError). */
  async closedOn(a: { campaignId: number }): Promise<LocalDate | null> {
    return this.deps.services.apply.flow.closedOn(a.campaignId);
  }

  async cardOf(a: ApplicationView): Promise<Card> {
    return this.cardFor(a, await this.closedOn(a));
  }

  async progressCardFor(appId: number): Promise<Card> {
    return this.cardOf((await this.apps.get(appId))!);
  }

  /** The application, or null when it is someone else's (a forged or forwarded card: audited as a refusal). */
  private async ownedBy(ctx: Answerable, appId: number, act: string): Promise<ApplicationView | null> {
    const a = await this.apps.get(appId);
    if (a && a.managerOpenId !== ctx.userId) await ctx.refused(act, `application:${appId}`, { code: 'not_owner' });
    return a && a.managerOpenId === ctx.userId ? a : null;
  }

  /** Required items still missing, as "3. 标题" strings (also used by reminders). */
  missing(a: ApplicationView): string[] {
    return progress(this.checklist, a.checklist).missing.map((x) => `${x.no}. ${x.item.title}`);
  }

  /** Creates the unit's application and posts its progress card (the one that is patched from now on). */
  async createApplication(ctx: Answerable, flow: ApplyFlow, s: Session<ApplyState>, tier: string): Promise<CardResponse> {
    const st = s.state;
    const closedOn = await flow.closedOn(st.campaignId);
    if (closedOn) return flow.answerWith(ctx, ctx.t('apply.deadline_passed', { deadline: closedOn }));
    const verdict = st.specialCaseId !== undefined ? 'special_approved' : verdictOf(st, await flow.verdictOptions(ctx, st.campaignId)).status;
    // The bank tie, a special case's binding to this unit, and the name's one form are checked in one transaction.
    const r = await openApplication(ctx, {
      campaignId: st.campaignId, tier, unitName: st.unit.name!, bankId: st.unit.bankId!, regionId: st.unit.regionId!,
      openedOn: st.answers.openedOn, answers: st.answers, verdict, specialCaseId: st.specialCaseId,
    });
    if ('refused' in r) return flow.answerWith(ctx, ctx.refusalText(r.refused));
    if ('heldBy' in r) return flow.answerWith(ctx, ctx.t('unit.held_by_other'));
    const app = (await this.apps.get(r.id))!;
    await this.deps.services.surfaces.applicationChanged(app.id);
    await flow.sessions.save(s, { ...st, applicationId: app.id, step: { kind: 'checklist' } });
    return this.showProgress(ctx, app);
  }

  /** Posts a fresh progress card and makes it the one patched from now on. */
  showProgress(ctx: Answerable, a: ApplicationView): Promise<CardResponse> {
    return this.deps.services.apply.flow.guard(ctx, () => this.postProgress(ctx, a));
  }

  private async postProgress(ctx: Answerable, a: ApplicationView): Promise<CardResponse> {
    const outboxId = await ctx.sendToUser(ctx.userId, await this.cardOf(a), `progress:${a.id}:${ctx.eventId}`);
    await this.apps.setProgressCard(a.id, outboxId);
    return ctx instanceof CardContext ? ctx.toast('success', ctx.t('review.toast_ok')) : {};
  }

  /**
   * Marks an item (button or text); patches the progress card in place. `from: 'elsewhere'` is a click on another card
   * (which application? / 是要标记第 N 项吗？): the progress card is patched and the clicked card says what was done.
   */
  setItem(ctx: Answerable, appId: number, itemId: string, change: { done?: boolean; note?: string }, from: 'progress' | 'elsewhere' = 'progress'): Promise<CardResponse> {
    return this.deps.services.apply.flow.guard(ctx, () => this.changeItem(ctx, appId, itemId, change, from));
  }

  private async changeItem(ctx: Answerable, appId: number, itemId: string, change: { done?: boolean; note?: string }, from: 'progress' | 'elsewhere'): Promise<CardResponse> {
    const a = await this.ownedBy(ctx, appId, 'application.item');
    if (!a || a.managerOpenId !== ctx.userId) return ctx instanceof CardContext ? ctx.toast('warning', ctx.t('checklist.not_in_checklist')) : (await ctx.reply(ctx.t('checklist.not_in_checklist')), {});
    const closedOn = await this.closedOn(a);
    if (a.status !== 'DRAFT') return ctx instanceof CardContext ? ctx.toast('warning', ctx.t('checklist.locked'), this.cardFor(a, closedOn)) : (await ctx.reply(ctx.t('checklist.locked')), {});
    if (closedOn) return this.refuseClosed(ctx, a, closedOn);
    const at = this.deps.clock.now().toISOString();
    let state = a.checklist;
    if (change.done !== undefined) state = setDone(state, itemId, change.done, at);
    if (change.note !== undefined) state = setNote(state, itemId, change.note, at);
    await this.apps.saveChecklist(a.id, state);
    await this.deps.services.surfaces.applicationChanged(a.id);
    const updated = { ...a, checklist: state };
    const no = this.checklist.items.findIndex((i) => i.id === itemId) + 1;
    if (ctx instanceof CardContext && from === 'progress') return ctx.toast('success', ctx.t('checklist.updated', { no }), this.cardFor(updated, null));
    if (ctx instanceof CardContext) {
      if (a.progressOutboxId) await ctx.patchCard({ outboxId: a.progressOutboxId }, this.cardFor(updated, null));
      else await this.postProgress(ctx, updated);
      const done = ctx.t('checklist.updated_unit', { no, unit: userText(a.unit.name, 40) });
      return ctx.toast('success', done, card(ctx.t('checklist.title', { unit: userText(a.unit.name, 40) }), [md(done)], 'green'));
    }
    // The progress card itself is the answer: it is patched in place, with no new message per change.
    if (a.progressOutboxId) await ctx.patchCard({ outboxId: a.progressOutboxId }, this.cardFor(updated, null));
    else await this.showProgress(ctx, updated);
    return {};
  }

  /** After the 申报截止: the refusal names the date, and the progress card is redrawn to say so (no buttons left). */
  async refuseClosed(ctx: Answerable, a: ApplicationView, closedOn: LocalDate): Promise<CardResponse> {
    const text = ctx.t('checklist.deadline_passed', { deadline: closedOn });
    const card = this.cardFor(a, closedOn);
    if (ctx instanceof CardContext) return ctx.toast('warning', text, card);
    if (a.progressOutboxId) await ctx.patchCard({ outboxId: a.progressOutboxId }, card);
    await ctx.reply(text);
    return {};
  }

  /** "完成 3", "撤销 3", "备注 3 …" for this application. Returns false when the text is not such a command. */
  async onChecklistText(ctx: MessageContext, appId: number): Promise<boolean> {
    const cmd = parseChecklistCommand(ctx.msg.text);
    if (!cmd) return false;
    await this.applyWords(ctx, appId, cmd);
    return true;
  }

  /** Applies parsed checklist words to one application (its number checked against the checklist). */
  async applyWords(ctx: Answerable, appId: number, cmd: ChecklistWords, from: 'progress' | 'elsewhere' = 'progress'): Promise<CardResponse> {
    const item = itemByNo(this.checklist, cmd.no);
    if (!item) {
      const text = ctx.t('checklist.bad_no', { no: cmd.no, total: this.checklist.items.length });
      return ctx instanceof CardContext ? ctx.toast('warning', text) : (await ctx.reply(text), {});
    }
    return this.setItem(ctx, appId, item.id, cmd.op === 'note' ? { note: cmd.note } : { done: cmd.op === 'done', ...(cmd.note ? { note: cmd.note } : {}) }, from);
  }

  /** The person's applications still being filled in (DRAFT), oldest first. */
  async drafts(openId: string): Promise<ApplicationView[]> {
    return (await this.apps.byManager(openId)).filter((a) => a.status === 'DRAFT');
  }

  /** Submits if in time, eligible (or approved) and every required item is done; otherwise says what stands in the way. */
  submit(ctx: Answerable, appId: number): Promise<CardResponse> {
    return this.deps.services.apply.flow.guard(ctx, () => this.submitNow(ctx, appId));
  }

  private async submitNow(ctx: Answerable, appId: number): Promise<CardResponse> {
    const say = async (text: string, card?: Card) => (ctx instanceof CardContext ? ctx.toast('warning', text, card) : (await ctx.reply(text), {}));
    const a = await this.ownedBy(ctx, appId, 'application.submit');
    if (!a || a.managerOpenId !== ctx.userId) return say(ctx.t('checklist.not_in_checklist'));
    const closedOn = await this.closedOn(a);
    if (a.status !== 'DRAFT') return say(ctx.t('submit.already', { status: this.statusName(a.status) }), this.cardFor(a, closedOn));
    if ((await this.deps.services.campaigns.get(a.campaignId))?.status !== 'OPEN') return say(ctx.t('submit.closed'));
    // 申报截止 is enforced here, with the date; only the secretariat can move it (/campaign extend, audited).
    if (closedOn) return this.refuseClosed(ctx, a, closedOn);
    if (!['eligible', 'special_approved'].includes(a.verdict)) return say(ctx.t('submit.not_eligible'));
    const missing = this.missing(a);
    if (missing.length) return say(ctx.t('submit.missing', { missing: missing.join('\n') }));
    // The move, its audit row and the first review stage's cards commit together (src/flows/application/moves.ts).
    const moved = await submitApplication(ctx, a.id);
    if ('kind' in moved) return say(ctx.t('checklist.not_in_checklist'));
    if (moved.decision.kind === 'refused') return say(ctx.refusalText(moved.decision.refusal));
    if (moved.decision.kind === 'noop') return say(ctx.t('submit.already', { status: this.statusName(moved.view.status) }));
    await this.deps.services.surfaces.applicationChanged(a.id);
    const submitted = moved.view;
    const text = ctx.t('submit.done', { unit: userText(a.unit.name, 60), tier: this.tier(a.tier), next: nextStepText(ctx, a) });
    if (ctx instanceof CardContext) {
      await ctx.sendToUser(ctx.userId, text, `submitted:${a.id}`);
      return ctx.toast('success', ctx.t('review.toast_ok'), this.cardFor(submitted, null));
    }
    if (a.progressOutboxId) await ctx.patchCard({ outboxId: a.progressOutboxId }, this.cardFor(submitted, null));
    await ctx.reply(text);
    return {};
  }

  /** The manager's applications with status and what each still lacks; drafts get a "继续" button. */
  async listMine(ctx: Answerable, prefix?: string): Promise<CardResponse> {
    const mine = await this.apps.byManager(ctx.userId);
    const m = this.deps.messages;
    const body: Card | string = mine.length
      ? card(m.t('my.title'), [
          ...(prefix ? [md(prefix)] : []),
          md(mine.map((a) => m.t('my.line', { id: a.id, unit: userText(a.unit.name, 40), tier: this.tier(a.tier), status: this.statusName(a.status), missing: a.status === 'DRAFT' && this.missing(a).length ? m.t('my.missing', { items: this.missing(a).join('；') }) : '' })).join('\n')),
          ...(mine.some((a) => a.status === 'DRAFT') ? [buttonRow(mine.filter((a) => a.status === 'DRAFT').slice(0, 10).map((a) => button(m.t('my.open_button', { id: a.id }), { a: 'apply.open', app: a.id }, 'primary')))] : []),
        ])
      : (prefix ? prefix + '\n' : '') + m.t('my.empty');
    if (ctx instanceof CardContext) {
      await ctx.sendToUser(ctx.userId, body, `mine:${ctx.eventId}`);
      return ctx.toast('success', ctx.t('review.toast_ok'));
    }
    await ctx.reply(body);
    return {};
  }

  /** Makes one of the manager's drafts the dialog's current application and shows its progress card. */
  async reopen(ctx: Answerable, appId: number): Promise<CardResponse> {
    const a = await this.ownedBy(ctx, appId, 'application.open');
    if (!a || a.managerOpenId !== ctx.userId) return ctx instanceof CardContext ? ctx.toast('warning', ctx.t('checklist.not_in_checklist')) : (await ctx.reply(ctx.t('checklist.not_in_checklist')), {});
    const flow = this.deps.services.apply.flow;
    await flow.sessions.start(ctx.userId, { v: APPLY_STATE_VERSION, campaignId: a.campaignId, step: { kind: 'checklist' }, answers: JSON.parse((await this.deps.prisma.application.findUniqueOrThrow({ where: { id: a.id } })).answers) as ApplyState['answers'], unit: { name: a.unit.name, bankId: a.unit.bankId, regionId: a.unit.regionId }, applicationId: a.id });
    return this.showProgress(ctx, a);
  }

  /**
   * The application a bare `提交申报` or checklist word means: the live dialog's current one, else the only draft.
   * Several drafts: the list, to ask which; none: an empty list.
   */
  async meant(ctx: Answerable): Promise<number | ApplicationView[]> {
    const { session } = await this.deps.services.apply.flow.sessions.load(ctx.userId);
    if (session?.state.step.kind === 'checklist' && session.state.applicationId) return session.state.applicationId;
    const drafts = await this.drafts(ctx.userId);
    return drafts.length === 1 ? drafts[0]!.id : drafts;
  }

  /** Files the request for the unit the dialog asked about; it reaches every secretariat member as a decision card. */
  async fileSpecialCase(ctx: Answerable, st: ApplyState, explanation: string): Promise<{ ok: boolean; text: string }> {
    const flow = this.deps.services.apply.flow;
    const v = verdictOf(st, await flow.verdictOptions(ctx, st.campaignId));
    // Each failure keeps its reason as shown to the manager, so the secretariat's card reads the same.
    const failures = v.failures.map((f) => ({ ...f, reason: failureReason(this.deps.messages, flow.data, f) }));
    const { name, bankId, regionId } = st.unit;
    if (!name || bankId === undefined || regionId === undefined) return { ok: false, text: ctx.t('apply.restarted_old') };
    const r = await fileSpecialCase(ctx, { campaignId: st.campaignId, unit: { name, bankId, regionId }, answers: st.answers, failures, explanation: Array.from(explanation).slice(0, 1000).join('') });
    if ('refused' in r) return { ok: false, text: ctx.refusalText(r.refused) };
    return { ok: true, text: ctx.t('special.filed_unit', { id: r.id, unit: name }) + (r.secretariat ? '' : '\n' + ctx.t('special.none_secretariat')) };
  }
}

