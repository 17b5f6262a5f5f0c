/** The sandbox shows the work surfaces: a manager's task appears and completes with the checklist; the secretariat sees its dashboard table. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxHarness } from '../../helpers/sandbox.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SEC = 'ou_demo_secretariat';
const RA = 'ou_demo_regional_admin';
const MGR = 'ou_demo_manager_sh';
const p2p = (id: string) => `oc_p2p_${id}`;

/** Types as `as` in their p2p chat and waits for the bot's answer there. */
async function say(as: string, text: string) {
  const chatId = p2p(as);
  const before = h!.sb.fake.messages.filter((m) => m.chat_id === chatId).length;
  expect((await h!.post('/sandbox/api/send', { as, chatId, text })).status).toBe(200);
  await h!.sb.fake.waitFor((ms) => ms.filter((m) => m.chat_id === chatId).length > before, { what: `a reply to "${text}"` });
  await h!.sb.app.settle();
  return h!.sb.fake.messages.filter((m) => m.chat_id === chatId).at(-1)!;
}

/** Types without waiting for a new message (checklist marks patch the progress card in place). */
async function type(as: string, text: string) {
  expect((await h!.post('/sandbox/api/send', { as, chatId: p2p(as), text })).status).toBe(200);
  await h!.sb.app.settle();
}

const surfaces = async (as: string) => (await h!.get(`/sandbox/api/surfaces?as=${as}`)).body as {
  tasks: Array<{ summary: string; description: string; due: string | null; done: boolean }>;
  bases: Array<{ name: string; perm: string; tables: Array<{ name: string; fields: string[]; rows: unknown[][]; total: number }> }>;
};

describe('the sandbox’s tasks and dashboard panel', () => {
  it('a manager sees a task for the missing materials, done when the checklist is; the secretariat sees the dashboard table', async () => {
    h = await createSandbox();
    const confirm = await say(SEC, '/campaign open 演示评选 --apply-by 2026-04-15');
    const value = JSON.stringify(confirm.card).match(/"content":"确认开启"\},"type":"[a-z_]+","behaviors":\[\{"type":"callback","value":(\{[^}]*\})/)![1]!;
    expect((await h.post('/sandbox/api/action', { as: SEC, messageId: confirm.message_id, value: JSON.parse(value) })).status).toBe(200);
    await h.sb.app.settle();
    for (const t of ['申报', '1', '是', '是', '2', '2014年5月20日', '开始申报', '上海分行营业部（演示）', '华夏示范银行（演示）', '上海市银行业协会（演示）', '千佳']) await say(MGR, t);

    const mine = await surfaces(MGR);
    expect(mine.tasks).toHaveLength(1);
    // The unit is stored in its one form (NFKC: the full-width parentheses become ASCII; issue 11).
    expect(mine.tasks[0]).toMatchObject({ summary: '补齐申报材料：上海分行营业部(演示)（千佳）', due: '2026-04-15', done: false });
    expect(mine.tasks[0]!.description).toContain('共 7 项');
    expect((await surfaces(SEC)).tasks).toEqual([]);

    for (const n of [1, 2, 3, 4, 5, 6, 7]) await type(MGR, `完成 ${n}`);
    expect((await surfaces(MGR)).tasks[0]!.done).toBe(true);

    await say(SEC, '/dashboard');
    await h.sb.fake.waitFor((ms) => ms.some((m) => m.chat_id === p2p(SEC) && m.content.includes('打开数据看板')), { what: 'the dashboard link' });
    await h.sb.app.settle();
    const [base] = (await surfaces(SEC)).bases;
    expect(base).toMatchObject({ name: '演示评选 · 全国数据看板', perm: 'view' });
    const apps = base!.tables.find((t) => t.name === '申报')!;
    expect(apps.total).toBe(1);
    expect(apps.fields.slice(0, 3)).toEqual(['申报编号', '网点', '会员单位']);
    expect(apps.rows[0]!.slice(1, 7)).toEqual(['上海分行营业部(演示)', '华夏示范银行（演示）', '上海市银行业协会（演示）', '千佳', '填写中', '']);
    expect((await surfaces(RA)).bases).toEqual([]);
  });

  it('viewing a chat reads its messages (what read_users reports), and an urgent message is flagged', async () => {
    h = await createSandbox();
    const answer = await say(MGR, '帮助');
    expect(h.sb.fake.surfaces.reads.get(answer.message_id)?.has(MGR) ?? false).toBe(false);
    await h.get(`/sandbox/api/state?as=${MGR}&chat=${p2p(MGR)}`);
    expect(h.sb.fake.surfaces.reads.get(answer.message_id)?.has(MGR)).toBe(true);
    h.sb.fake.surfaces.urgents.push({ messageId: answer.message_id, openId: MGR, at: new Date() });
    const view = (await h.get(`/sandbox/api/state?as=${MGR}&chat=${p2p(MGR)}`)).body as { messages: Array<{ id: string; urgent?: boolean }> };
    expect(view.messages.find((m) => m.id === answer.message_id)?.urgent).toBe(true);
    const page = await h.get('/sandbox');
    expect(page.text).toContain('我的飞书任务');
    expect(page.text).toContain('/sandbox/assets/surfaces.js');
    expect((await h.get('/sandbox/assets/surfaces.js')).status).toBe(200);
  });
});
