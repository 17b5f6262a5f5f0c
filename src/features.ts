/** Why: the list of everything the bot can do (commands, card actions, dialogs), in one place a newcomer can read. */
import type { Deps } from './pipeline/context.ts';
import type { RouterParts } from './pipeline/router.ts';
import type { Command, CardAction } from './commands/types.ts';
import { help } from './commands/help.ts';
import { campaignOpen } from './commands/campaign-open.ts';
import { campaignClose } from './commands/campaign-close.ts';
import { campaignExtend } from './commands/campaign-extend.ts';
import { campaignStatus } from './commands/campaign-status.ts';
import { campaignList } from './commands/campaign-list.ts';
import { campaignConfirm } from './commands/campaign-confirm.ts';
import { quotaSet } from './commands/quota-set.ts';
import { regionAdd } from './commands/region-add.ts';
import { bankAdd } from './commands/bank-add.ts';
import { chatBind } from './commands/chat-bind.ts';
import { roleGrant, roleRevoke } from './commands/role-grant.ts';
import { remindersPreview } from './commands/reminders-preview.ts';
import { remindersPause } from './commands/reminders-pause.ts';
import { remindersResume } from './commands/reminders-resume.ts';
import { mute } from './commands/mute.ts';
import { unmute } from './commands/unmute.ts';
import { campaignStatusCard } from './commands/campaign-status-card.ts';
import { apply, applyStart } from './commands/apply.ts';
import { applyAnswer, applyPick, applyRestart, applyStep } from './commands/apply-dialog.ts';
import { cancelCommand, resumeAction, resumeCommand } from './commands/apply-session.ts';
import { mineAction, myCommand, openAction } from './commands/my-applications.ts';
import { itemAction, submitAction, submitCommand } from './commands/submit.ts';
import { wordAction } from './commands/checklist-word.ts';
import { reviewDecide } from './commands/review-decide.ts';
import { specialBegin, specialDecide } from './commands/special-decide.ts';
import { inspectAssign } from './commands/inspect-assign.ts';
import { inspectRecuse } from './commands/inspect-recuse.ts';
import { inspectorBank } from './commands/inspector-bank.ts';
import { score } from './commands/score.ts';
import { scoreSubmit } from './commands/score-submit.ts';
import { scoreOpen, scoreSave, scoreSubmitButton } from './commands/score-form.ts';
import { rubricShow, rubricUse } from './commands/rubric.ts';
import { results } from './commands/results.ts';
import { resultsPublish } from './commands/results-publish.ts';
import { resultsAnnounce } from './commands/results-announce.ts';
import { objection } from './commands/objection.ts';
import { objectionOpen, objectionSubmit } from './commands/objection-card.ts';
import { exportCommand } from './commands/export.ts';
import { welcomeDo, welcomeOnEnter } from './commands/welcome.ts';
import { botMenu } from './commands/bot-menu.ts';
import { botAdded } from './commands/bot-added.ts';
import { ask } from './commands/ask.ts';
import { rulesAdmin } from './commands/rules-admin.ts';
import { rulesForward } from './commands/rules-forward.ts';
import { rulesReply } from './commands/rules-reply.ts';
import { rulesFlow } from './flows/rules/flow.ts';
import { dashboard } from './commands/dashboard.ts';
import { tasksSwitch } from './commands/tasks-switch.ts';
import { managerClaim, managerClaimDecide } from './commands/manager-claim.ts';
import { resultsDrop, resultsKeep, resultsRecheck } from './commands/results-recheck.ts';
import { recheckAnswer } from './commands/recheck-answer.ts';
import { reinstateCommand, terminateCommand } from './commands/terminate.ts';
import { planFile, planFileAction, planShow, planStatus } from './commands/plan.ts';

export function buildFeatures(deps: Deps): RouterParts {
  const commands = [
    help, campaignOpen, campaignClose, campaignExtend, campaignStatus, campaignList, quotaSet, regionAdd, bankAdd, chatBind, roleGrant, roleRevoke,
    apply, resumeCommand, cancelCommand, myCommand, submitCommand,
    remindersPreview, remindersPause, remindersResume, mute, unmute,
    inspectAssign, inspectRecuse, inspectorBank, score, scoreSubmit, rubricShow, rubricUse, results, resultsPublish, resultsRecheck, resultsKeep, resultsDrop, resultsAnnounce, objection, exportCommand,
    ask, rulesAdmin,
    dashboard, tasksSwitch,
    terminateCommand, reinstateCommand, planShow, planFile, planStatus,
  ] as Command<unknown>[];
  const cardActions = [
    campaignConfirm, campaignStatusCard,
    applyStart, applyAnswer, applyPick, applyRestart, ...applyStep, resumeAction, mineAction, openAction, submitAction, itemAction, wordAction, reviewDecide, specialDecide, specialBegin,
    scoreOpen, scoreSave, scoreSubmitButton, objectionOpen, objectionSubmit,
    welcomeDo,
    rulesForward, rulesReply,
    managerClaim, managerClaimDecide, recheckAnswer, planFileAction,
  ] as CardAction<unknown>[];
  return {
    commands,
    cardActions,
    // Checklist words (完成 6) act on the person's draft before anything reads them as a question; questions about the
    // rules come after the application dialog, so a dialog's answers (是, 2, dates) stay its own.
    flows: [deps.services.apply.flow, deps.services.apply.flow.words, rulesFlow],
    // First contact: a person opens the chat, clicks the bot menu, or adds the bot to a group.
    events: [welcomeOnEnter, botMenu, botAdded],
    authorize: (userId, cmd) => deps.services.roles.allows(userId, cmd.roles),
    lists: (userId, cmd) => deps.services.roles.lists(userId, cmd.roles),
  };
}
