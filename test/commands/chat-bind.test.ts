/** End-to-end: a regional admin binds their own region's group, and only that; groups only; audited. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturedLogLines, createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  await say(h, SEC, '/region add 北京');
  await say(h, SEC, '/region add 上海');
  await say(h, SEC, '/role grant @ou_ra 地方协会管理员 北京');
});
afterEach(async () => h.close());

describe('/chat bind', () => {
  it('lets a regional admin bind their region, audited with before and after', async () => {
    const [r] = await say(h, 'ou_ra', '/绑定群 北京', { group: 'oc_bj' });
    expect(textOf(r)).toContain('已将本群绑定为「北京」的地区群');
    expect((await h.prisma.region.findFirstOrThrow({ where: { name: '北京' } })).chatId).toBe('oc_bj');
    const a = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'chat.bind' } });
    expect(JSON.parse(a.before!)).toEqual({ chatId: null });
    expect(JSON.parse(a.after!)).toEqual({ chatId: 'oc_bj' });
  });

  it('refuses another region, a p2p chat, and a person with no role', async () => {
    expect(textOf((await say(h, 'ou_ra', '/chat bind 上海', { group: 'oc_x' }))[0])).toContain('不是「上海」的地方协会管理员');
    expect(textOf((await say(h, 'ou_ra', '/chat bind 北京'))[0])).toContain('请在要绑定的地区群里');
    expect(textOf((await say(h, 'ou_nobody', '/chat bind 北京', { group: 'oc_bj' }))[0])).toContain('需要以下角色之一');
    expect(await h.prisma.auditLog.count({ where: { action: 'chat.bind' } })).toBe(0);
  });

  it('moving a group to another region unbinds the old one', async () => {
    await say(h, SEC, '/chat bind 北京', { group: 'oc_1' });
    const [r] = await say(h, SEC, '/chat bind 上海', { group: 'oc_1' });
    expect(textOf(r)).toContain('原先绑定的「北京」已解除绑定');
    expect((await h.prisma.region.findFirstOrThrow({ where: { name: '北京' } })).chatId).toBeNull();
  });
});

describe('/chat bind cannot take another region\'s group (finding 5)', () => {
  it("refuses a regional admin who binds another region's group to their own region; audited, logged, unchanged", async () => {
    await say(h, SEC, '/chat bind 上海', { group: 'oc_sh' });
    const [r] = await say(h, 'ou_ra', '/chat bind 北京', { group: 'oc_sh' });
    expect(textOf(r)).toContain('本群已是「上海」的地区群，不能改绑为「北京」');
    expect((await h.prisma.region.findFirstOrThrow({ where: { name: '上海' } })).chatId).toBe('oc_sh');
    expect((await h.prisma.region.findFirstOrThrow({ where: { name: '北京' } })).chatId).toBeNull();
    expect(await h.prisma.auditLog.count({ where: { action: { in: ['chat.bind', 'chat.unbind'] }, actorId: 'ou_ra' } })).toBe(0);
    const refusal = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: 'ou_ra' } });
    expect(JSON.parse(refusal.after!)).toMatchObject({ act: 'chat.bind', code: 'chat_bound_elsewhere' });
    expect(capturedLogLines.some((l) => l.includes('"msg":"refused"') && l.includes('chat_bound_elsewhere') && l.includes('"level":30'))).toBe(true);
  });

  it('a regional admin may bind a free group, and the secretariat may still move a bound one', async () => {
    await say(h, SEC, '/chat bind 上海', { group: 'oc_sh' });
    expect(textOf((await say(h, 'ou_ra', '/chat bind 北京', { group: 'oc_bj' }))[0])).toContain('已将本群绑定为「北京」');
    expect(textOf((await say(h, SEC, '/chat bind 北京', { group: 'oc_sh' }))[0])).toContain('原先绑定的「上海」已解除绑定');
    expect((await h.prisma.region.findFirstOrThrow({ where: { name: '上海' } })).chatId).toBeNull();
  });

  it('a region name that only differs by invisible or full-width characters is the same region', async () => {
    expect(textOf((await say(h, 'ou_ra', '/chat bind 北\u200b京', { group: 'oc_bj' }))[0])).toContain('已将本群绑定为「北京」');
  });
});
