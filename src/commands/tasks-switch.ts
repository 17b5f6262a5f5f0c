/** Why: `/tasks [开启|关闭] [编号]` (/飞书任务): the secretariat sees or switches a campaign's Feishu tasks; each change is audited. */
import { z } from 'zod';
import { defineCommand } from './types.ts';

const ON = ['on', '开启', '打开', '开'];
const OFF = ['off', '关闭', '关'];

export const args = z
  .array(z.string())
  .max(2, 'args.tasks_switch')
  .transform((w) => {
    const word = w.find((x) => !/^#?\d+$/.test(x))?.toLowerCase();
    const id = w.find((x) => /^#?\d+$/.test(x));
    return { on: word === undefined ? undefined : ON.includes(word) ? true : OFF.includes(word) ? false : null, id: id ? Number(id.replace(/^#/, '')) : undefined };
  })
  .refine((a) => a.on !== null, 'args.tasks_switch')
  .transform((a) => ({ on: a.on as boolean | undefined, id: a.id }));

export const tasksSwitch = defineCommand({
  name: 'tasks',
  triggers: ['/tasks', '/飞书任务'],
  summaryKey: 'commands.tasks',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const { campaigns, surfaces } = ctx.services;
    const campaign = a.id !== undefined ? await campaigns.get(a.id) : await campaigns.current();
    if (!campaign) return void (await ctx.reply(a.id !== undefined ? ctx.t('campaign.not_found', { id: a.id }) : ctx.t('campaign.list_empty')));
    const state = (on: boolean) => ctx.t(on ? 'surfaces.tasks_switch.state_on' : 'surfaces.tasks_switch.state_off');
    if (a.on === undefined) {
      const on = await surfaces.tasks.enabledFor(campaign.id);
      const global = ctx.t(ctx.deps.config.surfaces.tasks ? 'surfaces.tasks_switch.global_on' : 'surfaces.tasks_switch.global_off');
      return void (await ctx.reply(ctx.t('surfaces.tasks_switch.status', { campaign: campaign.name, state: state(on), global })));
    }
    // The check, the new setting and its audit row are one transaction in TaskService.setEnabled.
    if (!(await surfaces.tasks.setEnabled(ctx.userId, campaign.id, a.on))) return void (await ctx.reply(ctx.t('surfaces.tasks_switch.unchanged', { campaign: campaign.name, state: state(a.on) })));
    await ctx.reply(ctx.t(a.on ? 'surfaces.tasks_switch.turned_on' : 'surfaces.tasks_switch.turned_off', { campaign: campaign.name }));
    await surfaces.campaignChanged();
  },
});
