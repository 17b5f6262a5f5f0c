/** Why: `/region add <name>` (/添加地区): the secretariat registers a regional banking association. */
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { userText } from '../cards/markdown.ts';

export const args = z
  .array(z.string())
  .min(1, 'args.region_required')
  .transform((w) => ({ name: w.join(' ').trim() }))
  .refine((a) => Array.from(a.name).length <= 30, 'args.region_name_long');

export const regionAdd = defineCommand({
  name: 'region add',
  triggers: ['/region add', '/添加地区'],
  summaryKey: 'commands.region_add',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const { region, created } = await ctx.services.directory.addRegion(ctx.userId, a.name);
    await ctx.reply(ctx.t(created ? 'region.added' : 'region.exists', { name: userText(region.name, 30) }));
  },
});
