/** Why: `/campaign open` (/开启评选): the secretariat drafts a round from the cycle file; it opens only when the card is confirmed. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand, splitOptions } from './types.ts';
import { buildMilestones, cycleOf, validateMilestones, MILESTONE_IDS, type MilestoneId } from '../domain/calendar.ts';
import { parseUserDate, type LocalDate } from '../domain/dates.ts';
import { tierName } from '../store/cycle.ts';
import { confirmOpenCard } from '../cards/campaign.ts';
import { userText } from '../cards/markdown.ts';

/** `--apply-by` is the friendly name of the deadline; every milestone id is also accepted as `--<id> YYYY-MM-DD`. */
const OPTION_TO_MILESTONE: Record<string, MilestoneId> = { 'apply-by': 'apply_deadline', 截止: 'apply_deadline', 申报截止: 'apply_deadline' };

const dateText = (label: string) =>
  z.string().transform((v, ctx) => {
    const r = parseUserDate(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: 'args.bad_date', params: { label, value: cut(v, 20) } });
      return z.NEVER;
    }
    return r.date;
  });

export const args = z
  .array(z.string())
  .transform((words) => splitOptions(words))
  .pipe(
    z.object({
      positional: z.array(z.string()).min(1, 'args.campaign_name_required'),
      options: z.record(z.string(), z.string()),
    }),
  )
  .transform((a, ctx) => {
    const overrides: Partial<Record<MilestoneId, LocalDate>> = {};
    let opensOn: LocalDate | undefined;
    let tiers: string[] | undefined;
    for (const [key, value] of Object.entries(a.options)) {
      const k = key.replace(/_/g, '-');
      if (k === 'opens' || k === 'apply-open' || key === '启动') {
        const d = dateText('--opens').safeParse(value);
        if (d.success) opensOn = d.data;
        else ctx.addIssue({ ...(d.error.issues[0] as object), code: 'custom' } as never);
        continue;
      }
      if (k === 'tiers' || key === '等级') {
        tiers = value.split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
        continue;
      }
      const milestone = OPTION_TO_MILESTONE[key] ?? (MILESTONE_IDS as readonly string[]).find((id) => id === key.replace(/-/g, '_'));
      if (!milestone) {
        ctx.addIssue({ code: 'custom', message: 'args.unknown_option', params: { option: cut(key, 20) } });
        continue;
      }
      const d = dateText(`--${key}`).safeParse(value);
      if (d.success) overrides[milestone as MilestoneId] = d.data;
      else ctx.addIssue({ ...(d.error.issues[0] as object), code: 'custom' } as never);
    }
    return { name: cut(a.positional.join(' '), 60), opensOn, tiers, overrides };
  });

export const campaignOpen = defineCommand({
  name: 'campaign open',
  triggers: ['/campaign open', '/开启评选'],
  summaryKey: 'commands.campaign_open',
  roles: ['secretariat'],
  args,
  async handle(ctx, a) {
    const { cycle: template, campaigns } = ctx.services;
    const today = ctx.today();
    const opensOn = a.opensOn ?? today;
    const tiers: string[] = [];
    for (const input of a.tiers ?? template.tiers.map((t) => t.id)) {
      const id = template.tiers.find((t) => t.id === input || t.name.startsWith(input))?.id;
      if (!id) {
        await ctx.reply(ctx.t('campaign.unknown_tier', { tier: userText(input, 20), known: template.tiers.map((t) => t.name).join('、') }));
        return;
      }
      if (!tiers.includes(id)) tiers.push(id);
    }
    const milestones = buildMilestones(template, { opensOn, overrides: a.overrides, cascade: true });
    const problems = validateMilestones(milestones, { today });
    if (problems.length) {
      const name = (id: string) => milestones.find((m) => m.id === id)?.name ?? id;
      const lines = problems.map((p) =>
        p.code === 'out_of_order'
          ? ctx.t('campaign.problem_order', { earlier: name(p.earlier.id), earlierOn: p.earlier.startsOn, later: name(p.later.id), laterOn: p.later.startsOn })
          : p.code === 'deadline_not_in_future'
            ? ctx.t('campaign.problem_deadline', { deadline: p.deadline, today: p.today })
            : ctx.t('campaign.problem_missing', { id: p.id }),
      );
      await ctx.reply(ctx.t('campaign.invalid_dates', { problems: lines.join('\n') }));
      return;
    }
    // 第五条 每2年: one round per tier in a cycle of the template, whatever the earlier round's status now is.
    const cycleInfo = cycleOf(template, opensOn);
    const cycle = cycleInfo.label;
    const same = await ctx.deps.prisma.campaign.findMany({ where: { cycle, status: { not: 'DRAFT' } }, orderBy: { id: 'asc' } });
    const earlier = same.find((c) => (JSON.parse(c.tiers) as string[]).some((t) => tiers.includes(t)));
    if (earlier) {
      const shared = (JSON.parse(earlier.tiers) as string[]).filter((t) => tiers.includes(t)).map((t) => tierName(template, t)).join('、');
      await ctx.reply(ctx.t('campaign.second_round', { cycle, tiers: shared, name: userText(earlier.name, 40), id: earlier.id, status: ctx.t(`status.${earlier.status}`), next: cycleInfo.nextStartsOn }));
      return;
    }
    const draft = await campaigns.createDraft(ctx.userId, { name: a.name, cycle, tiers, milestones });
    const quotas = await campaigns.quotas(draft.id);
    const warnings = quotas.length ? [] : [ctx.t('campaign.warn_no_quota')];
    if ((await ctx.services.directory.regions()).every((r) => !r.chatId)) warnings.push(ctx.t('campaign.warn_no_groups'));
    await ctx.reply(confirmOpenCard(ctx.deps.messages, draft, (id) => tierName(template, id), warnings));
  },
});
