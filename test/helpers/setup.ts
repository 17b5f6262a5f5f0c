/** Why: common arrangement for command tests: a secretariat, two regions with bound groups, and an open campaign. */
import type { Harness } from './harness.ts';
import { click, say } from './chat.ts';

export const SEC = 'ou_secretariat1';

export async function regionsAndGroups(h: Harness): Promise<void> {
  h.fake.addChat({ chatId: 'oc_bj', name: '北京地区群', type: 'group', members: [SEC] });
  h.fake.addChat({ chatId: 'oc_sh', name: '上海地区群', type: 'group', members: [SEC] });
  await say(h, SEC, '/region add 北京');
  await say(h, SEC, '/region add 上海');
  await say(h, SEC, '/bank add 示范银行');
  await say(h, SEC, '/chat bind 北京', { group: 'oc_bj' });
  await say(h, SEC, '/chat bind 上海', { group: 'oc_sh' });
}

/** Opens a campaign through the real command and confirmation click; returns its id. */
export async function openCampaign(h: Harness, name = '2026年度评选', applyBy = '2026-05-31'): Promise<number> {
  const [confirm] = await say(h, SEC, `/campaign open ${name} --apply-by ${applyBy}`);
  await click(h, SEC, confirm!, '确认开启');
  return (await h.prisma.campaign.findFirstOrThrow({ where: { name }, orderBy: { id: 'desc' } })).id;
}

/** Applicants are tied to their bank (issue 11): the secretariat makes each person a 网点负责人 of `bank`. */
export async function branchManagers(h: Harness, people: readonly string[], bank = '示范银行'): Promise<void> {
  for (const p of people) await say(h, SEC, `/role grant @${p} 网点负责人 ${bank}`);
}
