/** Why: the list of everything the bot can do (commands, card actions, dialogs), in one place a newcomer can read. */
import type { Deps } from './pipeline/context.ts';
import type { RouterParts } from './pipeline/router.ts';
import type { Command, CardAction } from './commands/types.ts';
import { help } from './commands/help.ts';
import { campaignOpen } from './commands/campaign-open.ts';
import { campaignClose } from './commands/campaign-close.ts';
import { campaignStatus } from './commands/campaign-status.ts';
import { campaignList } from './commands/campaign-list.ts';
import { campaignConfirm } from './commands/campaign-confirm.ts';
import { quotaSet } from './commands/quota-set.ts';
import { regionAdd } from './commands/region-add.ts';
import { bankAdd } from './commands/bank-add.ts';
import { chatBind } from './commands/chat-bind.ts';
import { roleGrant, roleRevoke } from './commands/role-grant.ts';
import { apply, applyStart } from './commands/apply.ts';
import { applyAnswer, applyPick, applyRestart, applyStep } from './commands/apply-dialog.ts';
import { cancelCommand, resumeAction, resumeCommand } from './commands/apply-session.ts';
import { mineAction, myCommand, openAction } from './commands/my-applications.ts';
import { itemAction, submitAction, submitCommand } from './commands/submit.ts';
import { reviewDecide } from './commands/review-decide.ts';
import { specialBegin, specialDecide } from './commands/special-decide.ts';

export function buildFeatures(deps: Deps): RouterParts {
  const commands = [
    help, campaignOpen, campaignClose, campaignStatus, campaignList, quotaSet, regionAdd, bankAdd, chatBind, roleGrant, roleRevoke,
    apply, resumeCommand, cancelCommand, myCommand, submitCommand,
  ] as Command<unknown>[];
  const cardActions = [
    campaignConfirm,
    applyStart, applyAnswer, applyPick, applyRestart, ...applyStep, resumeAction, mineAction, openAction, submitAction, itemAction, reviewDecide, specialDecide, specialBegin,
  ] as CardAction<unknown>[];
  return {
    commands,
    cardActions,
    flows: [deps.services.apply.flow],
    authorize: (userId, cmd) => deps.services.roles.allows(userId, cmd.roles),
  };
}
