/** End-to-end: objections during publicity, by text, are recorded, audited and forwarded to the secretariat; outside it they are refused. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { closeCampaign, dayAfter, inspectionWorld, publicityEndsOn, replyText, tiedField, type World } from '../helpers/inspections.ts';

const PUBLIC = 'ou_public';
let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC, 'ou_secretariat2'] });
  w = await inspectionWorld(h, { bai: 1, qian: 2 });
  h.fake.addUser({ openId: 'ou_secretariat2', name: '秘书处乙' });
  await tiedField(h, w);
  await closeCampaign(h);
});
afterEach(async () => h.close());

describe('/objection', () => {
  it('is refused before publicity', async () => {
    expect(textOf((await say(h, PUBLIC, '/objection 甲支行 有问题'))[0])).toContain('目前没有处于公示期的名单');
  });

  it('records an objection to a listed unit and sends it to every secretariat member', async () => {
    await say(h, SEC, '/results publish');
    const out = await say(h, PUBLIC, '/异议 甲支行 该网点近两年有投诉未妥善处理');
    expect(replyText(out)).toContain('已记录您对「甲支行」的异议（编号 1），并已转交中银协秘书处');
    const row = await h.prisma.objection.findFirstOrThrow();
    expect([row.openId, row.text]).toEqual([PUBLIC, '该网点近两年有投诉未妥善处理']);
    for (const s of [SEC, 'ou_secretariat2']) {
      const notice = textOf(h.fake.messagesTo(s).at(-1));
      expect(notice).toContain('收到公示异议 #1');
      expect(notice).toContain('网点：甲支行（北京）');
      expect(notice).toContain('内容：该网点近两年有投诉未妥善处理');
    }
    expect(await h.prisma.auditLog.count({ where: { action: 'objection.add', actorId: PUBLIC } })).toBe(1);
    expect(textOf((await say(h, PUBLIC, '/objection 丙支行 不在名单上'))[0])).toContain('「丙支行」不在本次公示名单中');
  });

  it('is accepted on the last day of publicity, late in the evening (the end date counts as a whole day)', async () => {
    await say(h, SEC, '/results publish');
    const endsOn = await publicityEndsOn(h, w);
    h.clock.set(new Date(`${endsOn}T15:30:00Z`)); // 23:30 in Beijing on the last day
    const out = await say(h, PUBLIC, '/objection 甲支行 最后一天提出');
    expect(replyText(out)).toContain('已记录您对「甲支行」的异议');
    expect(await h.prisma.objection.count()).toBe(1);
    expect(await h.prisma.auditLog.count({ where: { action: 'objection.add' } })).toBe(1);
  });

  it('is refused once publicity has ended', async () => {
    await say(h, SEC, '/results publish');
    dayAfter(h, await publicityEndsOn(h, w));
    expect(textOf((await say(h, PUBLIC, '/objection 甲支行 晚了'))[0])).toContain('公示期已于');
    expect(await h.prisma.objection.count()).toBe(0);
  });
});

describe('objections per person (finding 8)', () => {
  it('accepts at most objectionsPerPerson (prompts/zh-CN/process.yaml) per person per campaign; the next is refused, audited, and cards nobody', async () => {
    await say(h, SEC, '/results publish');
    const limit = h.app.deps.services.process.limits.objectionsPerPerson;
    for (let i = 1; i <= limit; i++) expect(replyText(await say(h, PUBLIC, `/异议 甲支行 第${i}条意见`))).toContain('已记录');
    const toSecretariat = h.fake.messagesTo(SEC).length;
    const refused = replyText(await say(h, PUBLIC, '/异议 乙支行 再来一条'));
    expect(refused).toContain(`已提出 ${limit} 条异议，已达上限`);
    expect(await h.prisma.objection.count({ where: { openId: PUBLIC } })).toBe(limit);
    expect(h.fake.messagesTo(SEC)).toHaveLength(toSecretariat);
    expect(JSON.parse((await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'refused', actorId: PUBLIC } })).after!)).toMatchObject({ act: 'objection.add', code: 'limit_objections', params: { limit } });
    // Another person is not held back by the first one's limit.
    expect(replyText(await say(h, 'ou_public2', '/异议 乙支行 我也有意见'))).toContain('已记录');
  });

  it('finds a listed unit whatever invisible or full-width characters its name is typed with', async () => {
    await say(h, SEC, '/results publish');
    expect(replyText(await say(h, PUBLIC, '/异议 甲\u200b支行 有问题'))).toContain('已记录您对「甲支行」的异议');
  });
});
