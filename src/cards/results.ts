/** Why: the results cards groups and managers see: a unit's result with a module chart, the ranking, the publicity list and the naming. */
import type { Messages } from '../prompts/index.ts';
import type { ScoreSheet } from '../domain/scoring.ts';
import { formatPoints } from '../domain/scoring.ts';
import type { Ranked } from '../domain/ranking.ts';
import type { RankRow } from '../store/results.ts';
import { button, buttonRow, card, hr, md } from './common.ts';
import { userText } from './markdown.ts';

/**
 * A horizontal stacked bar per module (score and points deducted), as a VChart spec: data only, no JavaScript,
 * so Feishu's card `chart` element renders it.
 */
export function moduleChart(m: Messages, sheet: ScoreSheet): Record<string, unknown> {
  const scored = m.t('results.chart_score');
  const lost = m.t('results.chart_deducted');
  const values = sheet.modules.flatMap((x) => [
    { module: `${x.id} ${x.name}`, kind: scored, value: x.score },
    { module: `${x.id} ${x.name}`, kind: lost, value: x.deducted },
  ]);
  return {
    tag: 'chart',
    aspect_ratio: '4:3',
    chart_spec: {
      type: 'bar',
      direction: 'horizontal',
      title: { visible: true, text: m.t('results.chart_title') },
      data: [{ id: 'modules', values }],
      xField: 'value',
      yField: 'module',
      seriesField: 'kind',
      stack: true,
      legends: { visible: true, orient: 'bottom' },
    },
  };
}

export interface ResultCardInput {
  unit: string;
  region: string;
  bank: string;
  tier: string;
  sheet: ScoreSheet;
  /** e.g. "现场检查、神秘客户暗访" */
  checks: string;
  complete: boolean;
  /** What this submission was, e.g. "现场检查（任务 #3）" */
  submitted: string;
}

/** Posted to the region's group (and to the branch manager) when an inspector submits. */
export function resultCard(m: Messages, r: ResultCardInput, maxDeductions = 5) {
  const s = r.sheet;
  const verdict = m.t(s.passed ? 'results.pass' : 'results.fail');
  const elements: unknown[] = [
    md(m.t('results.card_head', { tier: r.tier, total: formatPoints(s.total), max: formatPoints(s.max), verdict, pass: formatPoints(s.passScore) })),
    md(m.t('results.card_checks', { submitted: r.submitted, checks: r.checks }) + (r.complete ? '' : '\n' + m.t('results.provisional'))),
    moduleChart(m, s),
  ];
  const top = s.deductions.slice(0, maxDeductions);
  elements.push(hr());
  if (top.length) {
    const lines = top.map((d) => m.t('results.deduction_line', { id: d.itemId, name: d.itemName, points: formatPoints(d.points), reason: userText(d.reason, 80), major: d.major ? m.t('results.major_mark') : '' }));
    const more = s.deductions.length > top.length ? '\n' + m.t('results.more_deductions', { n: s.deductions.length - top.length }) : '';
    elements.push(md(m.t('results.deductions_head') + '\n' + lines.join('\n') + more));
  } else {
    elements.push(md(m.t('results.no_deductions')));
  }
  return card(m.t('results.card_title', { unit: r.unit }), elements, s.passed ? 'green' : 'red', m.t('results.card_subtitle', { region: r.region, bank: r.bank }));
}

export interface StandingBlock {
  tier: string;
  quota: number | null;
  ranked: Ranked<RankRow>[];
  pending: string[];
}

/** One line per ranked candidate, with why it sits below the one above when their totals are equal. */
export function standingLines(m: Messages, b: StandingBlock): string {
  const quota = b.quota === null ? m.t('results.quota_unset') : String(b.quota);
  const head = m.t('results.standing_head', { tier: b.tier, quota, ranked: b.ranked.length });
  const lines = b.ranked.map((r) => {
    const c = r.candidate;
    const status = r.selected ? m.t('results.selected') : !c.passed ? m.t('results.below_pass') : m.t('results.over_quota');
    const tie = r.decidedBy && r.decidedBy !== 'total' ? m.t('results.tie_note', { rule: m.t(`results.tie.${r.decidedBy}`) }) : '';
    return m.t('results.standing_line', { rank: r.rank, unit: userText(c.name, 40), bank: userText(c.bankName, 30), total: formatPoints(c.total), status, tie });
  });
  if (!lines.length) lines.push(m.t('results.none_ranked'));
  if (b.pending.length) lines.push(m.t('results.pending', { units: b.pending.map((p) => userText(p, 40)).join('、') }));
  return [head, ...lines].join('\n');
}

export function standingCard(m: Messages, region: string, campaign: string, blocks: StandingBlock[]) {
  const elements: unknown[] = [];
  blocks.forEach((b, i) => {
    if (i) elements.push(hr());
    elements.push(md(standingLines(m, b)));
  });
  elements.push(md(m.t('results.tie_rule')));
  return card(m.t('results.standing_title', { region, campaign }), elements, 'wathet');
}

export interface ListedGroup {
  tier: string;
  units: Array<{ unit: string; bank: string; total: number }>;
}

function listText(m: Messages, groups: ListedGroup[]): string {
  return groups
    .map((g) => [m.t('results.list_tier', { tier: g.tier, n: g.units.length }), ...(g.units.length ? g.units.map((u, i) => m.t('results.list_line', { n: i + 1, unit: userText(u.unit, 40), bank: userText(u.bank, 30), total: formatPoints(u.total) })) : [m.t('results.list_empty')])].join('\n'))
    .join('\n\n');
}

/** The publicity (公示) card for one region's group, with the end date and an objection button. */
export function publicityCard(m: Messages, p: { campaign: string; region: string; endsOn: string; groups: ListedGroup[]; campaignId: number; regionId: number }) {
  return card(
    m.t('results.publicity_title', { campaign: p.campaign }),
    [
      md(m.t('results.publicity_head', { region: p.region, endsOn: p.endsOn })),
      hr(),
      md(listText(m, p.groups)),
      hr(),
      md(m.t('results.publicity_objection', { endsOn: p.endsOn })),
      buttonRow([button(m.t('results.objection_button'), { a: 'objection.open', c: p.campaignId, r: p.regionId }, 'default')]),
    ],
    'orange',
  );
}

/** The commendation card for one region's group once the round is announced. */
export function commendationCard(m: Messages, p: { campaign: string; region: string; groups: ListedGroup[] }) {
  return card(m.t('results.commend_title', { campaign: p.campaign }), [md(m.t('results.commend_head', { region: p.region })), hr(), md(listText(m, p.groups)), md(m.t('results.commend_foot'))], 'carmine');
}
