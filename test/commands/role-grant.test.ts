/** End-to-end: the secretariat grants and revokes scoped roles by @-mention; every change is audited; others are refused. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { regionsAndGroups, SEC } from '../helpers/setup.ts';
import { roleFromInput } from '../../src/commands/role-grant.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  await regionsAndGroups(h);
});
afterEach(async () => h.close());

describe('/role grant and revoke', () => {
  it('seeds the secretariat from SECRETARIAT_OPEN_IDS, audited once', async () => {
    expect(await h.prisma.roleGrant.count({ where: { openId: SEC, role: 'secretariat' } })).toBe(1);
    await h.restart();
    expect(await h.prisma.auditLog.count({ where: { action: 'role.seed' } })).toBe(1);
  });

  it('grants a region-scoped role to an @-mentioned person in a group', async () => {
    const [r] = await say(h, SEC, '/role grant @_user_2 地方协会管理员 北京', { group: 'oc_bj', mentions: [{ openId: 'ou_zhang', name: '张三' }] });
    expect(textOf(r)).toContain('已授予 张三「地方协会管理员」角色（范围：北京）');
    const g = await h.prisma.roleGrant.findFirstOrThrow({ where: { openId: 'ou_zhang' } });
    expect(g.role).toBe('regional_admin');
    expect(g.scopeType).toBe('region');
    const audit = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'role.grant' } });
    expect(audit.actorId).toBe(SEC);
    expect(audit.target).toBe('ou_zhang');
  });

  it('requires a scope for scoped admin roles and knows the banks', async () => {
    expect(textOf((await say(h, SEC, '/role grant @ou_li 会员单位管理员'))[0])).toContain('需要指定会员单位');
    expect(textOf((await say(h, SEC, '/role grant @ou_li 会员单位管理员 不存在银行'))[0])).toContain('请先用 /bank add 添加');
    expect(textOf((await say(h, SEC, '/role grant @ou_li 会员单位管理员 示范银行'))[0])).toContain('已授予');
  });

  it('revokes, and says so when there is nothing to revoke', async () => {
    await say(h, SEC, '/role grant @ou_wang 检查员');
    expect(textOf((await say(h, SEC, '/role revoke @ou_wang 检查员'))[0])).toContain('已撤销');
    expect(textOf((await say(h, SEC, '/撤销角色 @ou_wang 检查员'))[0])).toContain('无需撤销');
    expect(await h.prisma.auditLog.count({ where: { action: 'role.revoke' } })).toBe(1);
  });

  it('refuses a regional admin and explains bad arguments', async () => {
    await say(h, SEC, '/role grant @ou_ra 地方协会管理员 北京');
    expect(textOf((await say(h, 'ou_ra', '/role grant @ou_x 检查员'))[0])).toContain('中银协秘书处');
    expect(textOf((await say(h, SEC, '/role grant 张三 检查员'))[0])).toContain('第一个参数应为 @某人');
    expect(textOf((await say(h, SEC, '/role grant @ou_x 老板'))[0])).toContain('不认识的角色「老板」');
  });

  it.each([
    ['检查员', 'inspector'],
    ['regional_admin', 'regional_admin'],
    ['网点负责人', 'branch_manager'],
    ['boss', null],
  ])('roleFromInput(%s) = %s', (input, role) => {
    expect(roleFromInput(input)).toBe(role);
  });
});
