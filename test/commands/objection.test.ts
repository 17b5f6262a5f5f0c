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
