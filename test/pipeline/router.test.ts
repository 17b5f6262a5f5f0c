/** End-to-end: every refusal at the router's door — a command the caller's roles do not allow — is audited and logged (finding 9). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedLogLines, createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
});
afterEach(async () => h.close());

const ATTEMPTS = ['/campaign open 冒名评选', '/quota set 北京 百佳=900', '/role grant @ou_me 秘书处', '/region add 假地区', '/results publish', '/terminate 北京 无理', '/复选', '/备案情况', '/score', '/chat bind 北京'];

describe('the router refuses by role', () => {
  it('audits who tried what and why, and logs it at info, for every refused attempt', async () => {
    const who = ['ou_nobody_1', 'ou_nobody_2'];
    for (const u of who) for (const text of ATTEMPTS) expect(textOf((await say(h, u, text))[0])).toContain('需要以下角色之一');
    const rows = await h.prisma.auditLog.findMany({ where: { action: 'refused' }, orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(who.length * ATTEMPTS.length);
    expect(rows.map((r) => r.actorId)).toEqual(who.flatMap((u) => ATTEMPTS.map(() => u)));
    expect(JSON.parse(rows[0]!.after!)).toEqual({ act: 'campaign open', code: 'role', needRoles: ['secretariat'] });
    const logged = capturedLogLines.filter((l) => l.includes('"msg":"refused"') && who.some((u) => l.includes(u)));
    expect(logged).toHaveLength(who.length * ATTEMPTS.length);
    expect(logged.every((l) => JSON.parse(l).level === 30)).toBe(true);
    // Nothing any of them asked for happened.
    expect(await h.prisma.campaign.count()).toBe(0);
    expect(await h.prisma.region.count()).toBe(0);
    expect(await h.prisma.roleGrant.count({ where: { openId: { in: who } } })).toBe(0);
  });

  it('a revoked role is refused at once (grants are read fresh, not from a cache)', async () => {
    await say(h, SEC, '/role grant @ou_temp 秘书处');
    expect(textOf((await say(h, 'ou_temp', '/region add 北京'))[0])).toContain('已添加地区');
    await say(h, SEC, '/role revoke @ou_temp 秘书处');
    expect(textOf((await say(h, 'ou_temp', '/region add 上海'))[0])).toContain('需要以下角色之一');
    expect(await h.prisma.region.count()).toBe(1);
  });
});
