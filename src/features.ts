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

export function buildFeatures(deps: Deps): RouterParts {
  const commands = [help, campaignOpen, campaignClose, campaignStatus, campaignList, quotaSet, regionAdd, bankAdd, chatBind, roleGrant, roleRevoke] as Command<unknown>[];
  const cardActions = [campaignConfirm] as CardAction<unknown>[];
  return {
    commands,
    cardActions,
    flows: [],
    authorize: (userId, cmd) => deps.services.roles.allows(userId, cmd.roles),
  };
}
