/** Why: `/role grant @user <role> [scope]` and `/role revoke` (/授予角色, /撤销角色): the secretariat decides who may do what, and where. */
import { cut } from '../cards/markdown.ts';
import { z } from 'zod';
import { defineCommand } from './types.ts';
import { ROLES, ROLE_SCOPE, type Role } from '../store/roles.ts';
import { userText } from '../cards/markdown.ts';
import type { MessageContext } from '../pipeline/context.ts';
import { holds, isSecretariat } from '../domain/grants.ts';

/** Role names as people type them, in Chinese or English. */
const ROLE_ALIASES: Record<string, Role> = {
  秘书处: 'secretariat', 中银协秘书处: 'secretariat',
  地方协会管理员: 'regional_admin', 地区管理员: 'regional_admin', 协会管理员: 'regional_admin',
  会员单位管理员: 'member_admin', 银行管理员: 'member_admin',
  检查员: 'inspector', 网点负责人: 'branch_manager',
};

export function roleFromInput(input: string): Role | null {
  const s = input.trim();
  return (ROLES as readonly string[]).includes(s) ? (s as Role) : ROLE_ALIASES[s] ?? null;
}

export const args = z
  .array(z.string())
  .min(2, 'args.role_args')
  .transform((w, ctx) => {
    const user = /^@?(ou_[0-9A-Za-z_]+)$/.exec(w[0]!)?.[1];
    if (!user) ctx.addIssue({ code: 'custom', message: 'args.role_user' });
    const role = roleFromInput(w[1]!);
    if (!role) ctx.addIssue({ code: 'custom', message: 'args.role_unknown', params: { role: cut(w[1]!, 20) } });
    return { user: user ?? '', role: (role ?? 'inspector') as Role, scope: w.slice(2).join(' ').trim() || undefined };
  });

/** Resolves the scope name for a role; returns an error text when the role needs a scope it did not get. */
async function resolveScope(ctx: MessageContext, role: Role, scope?: string): Promise<{ type: '' | 'region' | 'member'; id: number } | string> {
  const type = ROLE_SCOPE[role];
  // A branch manager is tied to the bank whose units they apply for (issue 11), so that role needs its bank too.
  const required = role === 'regional_admin' || role === 'member_admin' || role === 'branch_manager';
  if (!type || (!scope && !required)) return { type: '', id: 0 };
  if (!scope) return ctx.t(type === 'region' ? 'role.need_region' : 'role.need_bank', { role: ctx.t(`roles.${role}`) });
  const id = await ctx.services.directory.scopeId(type, scope);
  if (id === null) return ctx.t(type === 'region' ? 'quota.unknown_region' : 'role.unknown_bank', { region: userText(scope, 30), bank: userText(scope, 30), known: '' });
  return { type, id };
}

/**
 * The secretariat grants and revokes every role. A bank's member-unit admin may grant and revoke only the 网点负责人
 * role, only for their own bank (a bank vouches for its own branch managers). Refusals are audited.
 */
async function mayChange(ctx: MessageContext, role: Role, scope: { type: '' | 'region' | 'member'; id: number }, act: string): Promise<boolean> {
  const actor = { openId: ctx.userId, grants: await ctx.services.roles.grantsOf(ctx.userId) };
  if (isSecretariat(actor)) return true;
  if (role === 'branch_manager' && scope.type === 'member' && holds(actor, 'member_admin', { type: 'member', id: scope.id })) return true;
  const refusal = role === 'branch_manager' ? { code: 'claim_scope', needRoles: ['member_admin', 'secretariat'] as Role[] } : { code: 'role', needRoles: ['secretariat'] as Role[] };
  await ctx.refused(act, `role:${role}`, refusal);
  await ctx.reply(ctx.refusalText(refusal));
  return false;
}

export const roleGrant = defineCommand({
  name: 'role grant',
  triggers: ['/role grant', '/授予角色'],
  summaryKey: 'commands.role_grant',
  roles: ['secretariat', 'member_admin'],
  args,
  async handle(ctx, a) {
    const scope = await resolveScope(ctx, a.role, a.scope);
    if (typeof scope === 'string') {
      await ctx.reply(scope);
      return;
    }
    if (!(await mayChange(ctx, a.role, scope, 'role.grant'))) return;
    const name = ctx.msg.mentions.find((m) => m.openId === a.user)?.name;
    const created = await ctx.services.roles.grant(ctx.userId, a.user, { role: a.role, scopeType: scope.type, scopeId: scope.id }, name);
    const where = scope.type ? await ctx.services.directory.scopeName(scope.type, scope.id) : ctx.t('role.national');
    await ctx.reply(ctx.t(created ? 'role.granted' : 'role.already', { user: userText(name ?? a.user, 30), role: ctx.t(`roles.${a.role}`), scope: userText(where, 30) }));
  },
});

export const roleRevoke = defineCommand({
  name: 'role revoke',
  triggers: ['/role revoke', '/撤销角色'],
  summaryKey: 'commands.role_revoke',
  roles: ['secretariat', 'member_admin'],
  args,
  async handle(ctx, a) {
    let scope: { type: 'region' | 'member'; id: number } | undefined;
    if (a.scope) {
      const s = await resolveScope(ctx, a.role, a.scope);
      if (typeof s === 'string') {
        await ctx.reply(s);
        return;
      }
      if (s.type) scope = { type: s.type, id: s.id };
    }
    if (!(await mayChange(ctx, a.role, scope ?? { type: '', id: 0 }, 'role.revoke'))) return;
    if (a.role === 'secretariat' && a.user === ctx.userId) {
      await ctx.reply(ctx.t('role.not_self'));
      return;
    }
    const n = await ctx.services.roles.revoke(ctx.userId, a.user, a.role, scope);
    const name = ctx.msg.mentions.find((m) => m.openId === a.user)?.name ?? a.user;
    await ctx.reply(ctx.t(n ? 'role.revoked' : 'role.not_held', { user: userText(name, 30), role: ctx.t(`roles.${a.role}`) }));
  },
});
