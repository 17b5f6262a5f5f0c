/** The sandbox page's server side, over plain fetch on port 0: page, JSON state, typing, card clicks, clock, reset. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxHarness } from '../../helpers/sandbox.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SEC = 'ou_demo_secretariat';
const MGR_SH = 'ou_demo_manager_sh';
const MGR_ZJ = 'ou_demo_manager_zj';
const P2P_SEC = `oc_p2p_${SEC}`;
const GROUP_SH = 'oc_demo_group_sh';
const GROUP_ZJ = 'oc_demo_group_zj';

const state = async (as: string, chat = '') => (await h!.get(`/sandbox/api/state?as=${as}&chat=${chat}`)).body;
const cardText = (m: { card?: unknown }) => JSON.stringify(m.card ?? '');

/** Types a message as `as` and waits until the bot has answered in that chat. */
async function say(as: string, chatId: string, text: string, mentionBot = false) {
  const before = h!.sb.fake.messages.filter((m) => m.chat_id === chatId).length;
  const r = await h!.post('/sandbox/api/send', { as, chatId, text, mentionBot });
  expect(r.status).toBe(200);
  await h!.sb.fake.waitFor((ms) => ms.filter((m) => m.chat_id === chatId).length > before, { what: `a reply to "${text}"` });
  return h!.sb.fake.messages.filter((m) => m.chat_id === chatId).at(-1)!;
}

function buttonValue(card: unknown, label: string): Record<string, unknown> {
  const hit = JSON.stringify(card).match(new RegExp(`"content":"${label}"\\},"type":"[a-z_]+","behaviors":\\[\\{"type":"callback","value":(\\{[^}]*\\})`));
  if (!hit) throw new Error(`no button "${label}" in ${JSON.stringify(card)}`);
  return JSON.parse(hit[1]!) as Record<string, unknown>;
}

describe('the page', () => {
  it('serves server-rendered HTML with the demo banner, every demo person by role, and its assets', async () => {
    h = await createSandbox();
    const page = await h.get('/sandbox');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('演示环境');
    for (const u of h.sb.demo.users) expect(page.text).toContain(u.name);
    for (const role of ['中银协秘书处', '地方协会管理员', '会员单位管理员', '检查员', '网点负责人']) expect(page.text).toContain(`label="${role}"`);
    expect(page.text).not.toMatch(/<script[^>]+src="https?:/);
    for (const [name, type] of [['app.js', 'javascript'], ['cards.js', 'javascript'], ['style.css', 'css']]) {
      const a = await h.get(`/sandbox/assets/${name}`);
      expect(a.status).toBe(200);
      expect(a.type).toContain(type);
    }
    expect((await h.get('/sandbox/assets/..%2Findex.ts')).status).toBe(404);
    expect((await h.get('/healthz')).status).toBe(200);
  });

  it('lists a person\'s chats: their p2p chat with the bot first, then the region groups they are in', async () => {
    h = await createSandbox();
    const sec = await state(SEC);
    expect(sec.chats.map((c: { id: string }) => c.id)).toEqual([P2P_SEC, GROUP_SH, GROUP_ZJ]);
    expect(sec.chat).toBe(P2P_SEC);
    expect(sec.hints.some((x: string) => x.startsWith('/campaign open 演示评选 --apply-by 2026-04-01'))).toBe(true);
    const zj = await state(MGR_ZJ, GROUP_SH);
    expect(zj.chats.map((c: { id: string }) => c.id)).toEqual([`oc_p2p_${MGR_ZJ}`, GROUP_ZJ]);
    expect(zj.chat).toBe(`oc_p2p_${MGR_ZJ}`);
  });

  it('refuses unknown people, malformed requests and chats the person is not in, in Chinese', async () => {
    h = await createSandbox();
    const unknown = await h.get('/sandbox/api/state?as=ou_nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('沙盒里没有这个用户');
    expect((await h.get('/sandbox/api/state')).status).toBe(400);
    const bad = await h.post('/sandbox/api/send', { as: SEC, chatId: P2P_SEC, text: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('请求格式不对');
    const outside = await h.post('/sandbox/api/send', { as: MGR_ZJ, chatId: GROUP_SH, text: '帮助', mentionBot: true });
    expect(outside.status).toBe(403);
    expect(h.sb.timeline.counts()[GROUP_SH]).toBeUndefined();
  });

  it('refuses a POST from another site: not JSON, or from a foreign origin', async () => {
    h = await createSandbox();
    const app = h.sb.app;
    const form = await fetch(`${h.sb.url}/sandbox/api/reset`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    const foreign = await fetch(`${h.sb.url}/sandbox/api/reset`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
    expect(h.sb.app).toBe(app);
    const own = await fetch(`${h.sb.url}/sandbox/api/clock`, { method: 'POST', headers: { 'content-type': 'application/json', origin: h.sb.url }, body: JSON.stringify({ days: 1 }) });
    expect(own.status).toBe(200);
  });
});

describe('chatting', () => {
  it('delivers typed text as a signed, encrypted event and shows the bot\'s reply after it', async () => {
    h = await createSandbox();
    const reply = await say(SEC, P2P_SEC, '帮助');
    expect(reply.msg_type).toBe('interactive');
    const s = await state(SEC, P2P_SEC);
    expect(s.messages.map((m: { kind: string }) => m.kind)).toEqual(['user', 'bot']);
    expect(s.messages[0].text).toBe('帮助');
    expect(s.messages[0].senderName).toBe('王秘书（演示）');
    expect(s.messages[1].replyTo).toBe(s.messages[0].id);
    expect(cardText(s.messages[1])).toContain('示范单位评选助手');
    const event = await h.sb.prisma.processedEvent.findFirstOrThrow();
    expect(event.eventType).toBe('im.message.receive_v1');
  });

  it('in a group, the bot answers only when @-mentioned', async () => {
    h = await createSandbox();
    expect((await h.post('/sandbox/api/send', { as: MGR_SH, chatId: GROUP_SH, text: '帮助', mentionBot: false })).status).toBe(200);
    await h.sb.app.settle();
    expect(h.sb.fake.messages).toHaveLength(0);
    await say(MGR_SH, GROUP_SH, '帮助', true);
    const s = await state(SEC, GROUP_SH);
    expect(s.messages.map((m: { kind: string; mentionBot?: boolean }) => [m.kind, m.mentionBot ?? null])).toEqual([['user', false], ['user', true], ['bot', null]]);
  });

  it('a card click is a real card.action.trigger: the toast comes back, the card is patched in place, groups get the announcement', async () => {
    h = await createSandbox();
    const confirm = await say(SEC, P2P_SEC, '/campaign open 演示评选 --apply-by 2026-04-15');
    const click = await h.post('/sandbox/api/action', { as: SEC, messageId: confirm.message_id, value: buttonValue(confirm.card, '确认开启') });
    expect(click.status).toBe(200);
    expect(click.body).toMatchObject({ ok: true, cardApplied: true, toast: { type: 'success' } });
    expect(click.body.toast.content).toContain('2 个地区群');
    const p2p = await state(SEC, P2P_SEC);
    const patched = p2p.messages.find((m: { id: string }) => m.id === confirm.message_id);
    expect(patched.patches).toBe(1);
    expect(cardText(patched)).toContain('评选已开启');
    await h.sb.fake.waitFor((ms) => ms.filter((m) => m.chat_id === GROUP_SH || m.chat_id === GROUP_ZJ).length === 2, { what: 'two announcements' });
    const group = await state(MGR_SH, GROUP_SH);
    expect(cardText(group.messages.at(-1))).toContain('演示评选 开始申报');
    expect(await h.sb.prisma.auditLog.count({ where: { action: 'campaign.open', actorId: SEC } })).toBe(1);
  });

  it('refuses a click on a message the person cannot see, or one that does not exist', async () => {
    h = await createSandbox();
    const confirm = await say(SEC, P2P_SEC, '/campaign open 演示评选 --apply-by 2026-04-15');
    const foreign = await h.post('/sandbox/api/action', { as: MGR_SH, messageId: confirm.message_id, value: buttonValue(confirm.card, '确认开启') });
    expect(foreign.status).toBe(403);
    expect((await h.post('/sandbox/api/action', { as: SEC, messageId: 'om_missing', value: {} })).status).toBe(404);
    expect(await h.sb.prisma.campaign.count({ where: { status: 'OPEN' } })).toBe(0);
  });
});

describe('the clock', () => {
  it('moves forward a day or a week to 09:00 (the reminder hour), ticking the scheduler at 09:00 on each day', async () => {
    h = await createSandbox();
    const app = h.sb.app as unknown as { scheduler?: unknown };
    const real = app.scheduler;
    const seen: string[] = [];
    app.scheduler = { tick: async () => void seen.push(h!.sb.clock.now().toISOString()) };
    try {
      const day = await h.post('/sandbox/api/clock', { days: 1 });
      expect(day.status).toBe(200);
      expect(day.body).toMatchObject({ now: '2026-03-03T01:00:00.000Z', ticks: 1, scheduler: true, aheadDays: 1 });
      expect(day.body.message).toContain('2026-03-03 周二 09:00');
      const week = await h.post('/sandbox/api/clock', { days: 7 });
      expect(week.body).toMatchObject({ now: '2026-03-10T01:00:00.000Z', ticks: 7, aheadDays: 8 });
      expect(seen).toHaveLength(8);
      expect(seen.slice(-2)).toEqual(['2026-03-09T01:00:00.000Z', '2026-03-10T01:00:00.000Z']);
    } finally {
      app.scheduler = real;
    }
  });

  it('jumps to 09:00 (bot time zone) on a date, stopping at 09:00 each day on the way; refuses the past and today once past 09:00', async () => {
    h = await createSandbox();
    const app = h.sb.app as unknown as { scheduler?: unknown };
    const real = app.scheduler;
    const seen: string[] = [];
    app.scheduler = { tick: async () => void seen.push(h!.sb.clock.now().toISOString()) };
    try {
      const r = await h.post('/sandbox/api/clock', { date: '2026-03-05' });
      expect(r.body.now).toBe('2026-03-05T01:00:00.000Z');
      expect(seen).toEqual(['2026-03-03T01:00:00.000Z', '2026-03-04T01:00:00.000Z', '2026-03-05T01:00:00.000Z']);
    } finally {
      app.scheduler = real;
    }
    for (const date of ['2026-03-01', '2026-03-05']) {
      const past = await h.post('/sandbox/api/clock', { date });
      expect(past.status).toBe(400);
      expect(past.body.error).toContain('只能向将来跳转');
    }
    expect((await h.post('/sandbox/api/clock', { days: 0 })).status).toBe(400);
    expect((await h.post('/sandbox/api/clock', { date: '2026-02-30' })).status).toBe(400);
    expect(h.sb.clock.now().toISOString()).toBe('2026-03-05T01:00:00.000Z');
  });

  it('reports whether the app has a scheduler to tick', async () => {
    h = await createSandbox();
    const has = typeof (h.sb.app as unknown as { scheduler?: { tick?: unknown } }).scheduler?.tick === 'function';
    const r = await h.post('/sandbox/api/clock', { days: 2 });
    expect(r.body).toMatchObject({ scheduler: has, ticks: has ? 2 : 0 });
  });
});
