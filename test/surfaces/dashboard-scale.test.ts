/** End-to-end at scale: 3,000 applications mirrored into the Base within Feishu's limits, across a restart and a lost answer, with no duplicate rows. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.ts';
import { say } from '../helpers/chat.ts';
import { openCampaign, regionsAndGroups, SEC } from '../helpers/setup.ts';
import { surfaceHarness } from './helpers.ts';

const N = 3000;
let h: Harness;
afterEach(async () => h?.close());

/** The most calls of `routes` seen in any one-second window (by the fake's clock: the bot's clock plus its pacing). */
function peakPerSecond(routes: string[]): number {
  const at = h.fake.calls.filter((c) => routes.includes(c.route) && c.status !== 429).map((c) => c.at.getTime()).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

describe('a 3,000-application campaign in the dashboard', () => {
  it('is mirrored in batches of at most 1,000, within the rate limits, once each, across a restart and a lost answer', async () => {
    h = await surfaceHarness({ secretariat: [SEC], limits: true, env: { TASKS_ENABLED: 'false' } });
    await regionsAndGroups(h);
    const campaignId = await openCampaign(h, '2026年度评选', '2026-05-31');
    const bank = await h.prisma.memberUnit.findFirstOrThrow();
    const regions = await h.prisma.region.findMany({ orderBy: { id: 'asc' } });
    const units = await h.prisma.unit.createManyAndReturn({ data: Array.from({ length: N }, (_, i) => ({ name: `网点${i + 1}`, memberUnitId: bank.id, regionId: regions[i % 2]!.id })) });
    const apps = await h.prisma.application.createManyAndReturn({
      data: units.map((u, i) => ({ campaignId, unitId: u.id, tier: i % 3 ? 'qian' : 'bai', status: i % 4 ? 'DRAFT' : 'SUBMITTED', managerOpenId: `ou_m${i}` })),
    });

    // The second batch lands in Feishu but its answer is lost; the bot restarts right after the first batch.
    h.fake.inject({ kind: 'reset', afterCommit: true, match: { route: 'records_create' }, times: 1 });
    const creates = () => h.fake.calls.filter((c) => c.route === 'records_create');
    await h.fake.deliverMessage({ from: SEC, chatType: 'p2p', text: '/dashboard' });
    await h.fake.waitFor(() => creates().length >= 1, { what: 'the first batch', timeoutMs: 20_000 });
    await h.restart();
    await h.app.settle();
    await say(h, SEC, '/dashboard'); // asking again after the restart changes nothing
    await h.app.scheduler.tick();
    await h.app.settle();

    const [base] = h.fake.surfaces.bases.values();
    expect(h.fake.surfaces.bases.size).toBe(1);
    const table = base!.tables.find((t) => t.name === '申报')!;
    const ids = table.records.map((r) => r.fields['申报编号']);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    expect(new Set(ids)).toEqual(new Set(apps.map((a) => String(a.id))));
    expect(await h.prisma.dashboardRecord.count({ where: { recordId: null } })).toBe(0);
    expect(new Set((await h.prisma.dashboardRecord.findMany()).map((r) => r.recordId)).size).toBe(N);

    const sizes = creates().map((c) => (c.body as { records: unknown[] }).records.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    // Every record was written by exactly one call: the lost answer's retry was answered from its client_token.
    expect(creates().filter((c) => c.fault !== 'client-token-dedupe').reduce((n, c) => n + (c.body as { records: unknown[] }).records.length, 0)).toBe(N);
    expect(creates().map((c) => c.fault).filter(Boolean)).toEqual(['reset:after-commit', 'client-token-dedupe']);
    expect(h.fake.rateLimited).toBe(0);
    expect(peakPerSecond(['base_create', 'table_create', 'table_delete', 'records_create', 'records_update'])).toBeLessThanOrEqual(50);
  });
});
