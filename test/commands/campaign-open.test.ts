/** End-to-end: the secretariat opens a campaign by command and confirmation card; groups get the announcement once. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { buttonValue, click, say, textOf } from '../helpers/chat.ts';
import { args } from '../../src/commands/campaign-open.ts';

const SEC = 'ou_secretariat1';
let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  h.fake.addChat({ chatId: 'oc_bj', name: '北京地区群', type: 'group', members: [SEC] });
  h.fake.addChat({ chatId: 'oc_sh', name: '上海地区群', type: 'group', members: [SEC] });
  await say(h, SEC, '/region add 北京');
  await say(h, SEC, '/region add 上海');
  await say(h, SEC, '/chat bind 北京', { group: 'oc_bj' });
  await say(h, SEC, '/绑定群 上海', { group: 'oc_sh' });
});
afterEach(async () => h.close());

describe('/campaign open', () => {
  it('drafts, asks for confirmation, opens on the click, and announces to every bound group once', async () => {
    const [confirm] = await say(h, SEC, '/campaign open 2026年度示范单位评选 --apply-by 2026-05-31');
    expect(textOf(confirm)).toContain('请确认开启评选');
    expect(textOf(confirm)).toContain('申报截止：2026-05-31');
    let c = await h.prisma.campaign.findFirstOrThrow();
    expect(c.status).toBe('DRAFT');
    expect(c.cycle).toBe('2026-2027');

    const r = await click(h, SEC, confirm!, '确认开启');
    expect(r.toast?.type).toBe('success');
    expect(r.cardApplied).toBe(true);
    expect(textOf(r.card)).toContain('评选已开启');
    expect(textOf(r.card)).not.toContain('确认开启');
    c = await h.prisma.campaign.findFirstOrThrow();
    expect(c.status).toBe('OPEN');
    const announcements = r.newMessages.filter((m) => m.msg_type === 'interactive');
    expect(announcements.map((m) => m.chat_id).sort()).toEqual(['oc_bj', 'oc_sh']);
    expect(textOf(announcements[0])).toContain('检查申报资格');

    const actions = (await h.prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['campaign.draft', 'campaign.open']));
    const open = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'campaign.open' } });
    expect(open.actorId).toBe(SEC);
    expect(JSON.parse(open.before!)).toEqual({ status: 'DRAFT' });
    expect(JSON.parse(open.after!)).toEqual({ status: 'OPEN' });
  });

  it('a double click and a redelivered callback open the campaign once', async () => {
    const [confirm] = await say(h, SEC, '/开启评选 第二轮 --apply-by 2026-06-30');
    const value = buttonValue(confirm!, '确认开启');
    const first = await click(h, SEC, confirm!, value, { redeliver: 1 });
    expect(first.responses).toHaveLength(2);
    const second = await click(h, SEC, confirm!, value);
    expect(second.toast?.content).toContain('已完成');
    expect(h.fake.messagesTo('oc_bj')).toHaveLength(2); // the bind reply + one announcement
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.open' } })).toBe(1);
  });

  it('cancel discards the draft', async () => {
    const [confirm] = await say(h, SEC, '/campaign open 试运行 --apply-by 2026-05-01');
    const r = await click(h, SEC, confirm!, '取消');
    expect(r.toast?.type).toBe('info');
    expect(await h.prisma.campaign.count()).toBe(0);
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.discard' } })).toBe(1);
  });

  it('refuses a deadline in the past, and milestones out of order, saying why', async () => {
    const [past] = await say(h, SEC, '/campaign open 过期 --apply-by 2026-03-01');
    expect(textOf(past)).toContain('申报截止日 2026-03-01 不晚于今天（2026-03-02）');
    const [order] = await say(h, SEC, '/campaign open 乱序 --apply-by 2026-05-01 --inspection 2026-04-01');
    expect(textOf(order)).toContain('检查验收（2026-04-01）早于');
    expect(await h.prisma.campaign.count()).toBe(0);
  });

  it('allows only one round per tier and cycle, saying which round holds it', async () => {
    const [a] = await say(h, SEC, '/campaign open 甲 --apply-by 2026-05-01');
    await click(h, SEC, a!, '确认开启');
    const [b] = await say(h, SEC, '/campaign open 乙 --apply-by 2026-05-01 --tiers 百佳');
    expect(textOf(b)).toContain('2026-2027 周期已有百佳评选「甲」');
    expect(await h.prisma.campaign.count()).toBe(1);
  });

  it('a round in 2027 belongs to the 2026-2027 cycle: a second 百佳 round is refused even after the first closed; 2028 starts a new cycle', async () => {
    const [a] = await say(h, SEC, '/campaign open 二〇二六百佳 --tiers 百佳 --apply-by 2026-05-01');
    await click(h, SEC, a!, '确认开启');
    const [close] = await say(h, SEC, '/campaign close');
    await click(h, SEC, close!, '确认关闭');
    h.clock.set(new Date('2027-03-01T02:00:00Z'));
    const [again] = await say(h, SEC, '/campaign open 二〇二七百佳 --tiers 百佳 --apply-by 2027-05-01');
    expect(textOf(again)).toContain('不能开启：2026-2027 周期已有百佳评选「二〇二六百佳」');
    expect(textOf(again)).toContain('已关闭');
    expect(textOf(again)).toContain('下一周期自 2028-01-01 开始');
    expect(await h.prisma.campaign.count()).toBe(1);
    expect(await h.prisma.auditLog.count({ where: { action: 'campaign.draft' } })).toBe(1);
    // 百佳 and 千佳 together make one round: a 千佳-only campaign of the same cycle may still open.
    const [qian] = await say(h, SEC, '/campaign open 二〇二七千佳 --tiers 千佳 --apply-by 2027-05-01');
    expect(textOf(qian)).toContain('请确认开启评选');
    expect((await h.prisma.campaign.findFirstOrThrow({ where: { name: '二〇二七千佳' } })).cycle).toBe('2026-2027');
    h.clock.set(new Date('2028-02-01T02:00:00Z'));
    const [next] = await say(h, SEC, '/campaign open 二〇二八百佳 --tiers 百佳 --apply-by 2028-04-01');
    expect(textOf(next)).toContain('请确认开启评选');
    expect((await h.prisma.campaign.findFirstOrThrow({ where: { name: '二〇二八百佳' } })).cycle).toBe('2028-2029');
  });

  it('a draft made before another round of its cycle opened is refused at the click, once that round exists', async () => {
    const [first] = await say(h, SEC, '/campaign open 先 --apply-by 2026-05-01');
    const [second] = await say(h, SEC, '/campaign open 后 --apply-by 2026-05-02');
    await click(h, SEC, first!, '确认开启');
    const [close] = await say(h, SEC, '/campaign close');
    await click(h, SEC, close!, '确认关闭');
    const r = await click(h, SEC, second!, '确认开启');
    expect(r.toast?.type).toBe('error');
    expect((await h.prisma.campaign.findFirstOrThrow({ where: { name: '后' } })).status).toBe('DRAFT');
  });

  it('refuses everyone but the secretariat, naming the role needed', async () => {
    const [r] = await say(h, 'ou_someone', '/campaign open 越权 --apply-by 2026-05-01');
    expect(textOf(r)).toContain('需要以下角色之一：中银协秘书处');
    const [confirm] = await say(h, SEC, '/campaign open 正式 --apply-by 2026-05-01');
    const stolen = await click(h, 'ou_someone', confirm!, '确认开启');
    expect(stolen.toast?.type).toBe('error');
    expect((await h.prisma.campaign.findFirstOrThrow()).status).toBe('DRAFT');
  });
});

describe('args', () => {
  it.each([
    [['名称'], { name: '名称', overrides: {} }],
    [['名称', '--apply-by', '2026年5月31日'], { name: '名称', overrides: { apply_deadline: '2026-05-31' } }],
    [['名称', '--tiers', '百佳,千佳'], { name: '名称', tiers: ['百佳', '千佳'] }],
  ])('parses %j', (words, expected) => {
    const r = args.safeParse(words);
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject(expected);
  });
  it.each([[[]], [['名称', '--apply-by', '2026-02-30']], [['名称', '--nonsense', 'x']]])('refuses %j', (words) => {
    expect(args.safeParse(words).success).toBe(false);
  });
});
