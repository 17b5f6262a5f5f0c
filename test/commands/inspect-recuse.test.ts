/** End-to-end: an inspector recuses from a check; it is recorded with the reason, audited, and the assigner is told. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, INSP, INSP2, replyText, type World } from '../helpers/inspections.ts';
import { args } from '../../src/commands/inspect-recuse.ts';

let h: Harness;
let w: World;
let insId: number;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
  const appId = await candidate(h, w, { name: '示范支行' });
  await say(h, SEC, `/inspect assign ${appId} @${INSP}`);
  insId = (await h.prisma.inspection.findFirstOrThrow()).id;
});
afterEach(async () => h.close());

describe('/inspect recuse', () => {
  it('records the recusal and its reason, audits it, tells the assigner, and frees the unit for another inspector', async () => {
    const out = await say(h, INSP, `/回避 ${insId} 本人曾在该网点任职`);
    expect(replyText(out)).toContain(`已回避任务 #${insId}（示范支行（千佳·北京·示范银行），现场检查）`);
    const row = await h.prisma.inspection.findUniqueOrThrow({ where: { id: insId } });
    expect([row.status, row.recuseReason]).toEqual(['RECUSED', '本人曾在该网点任职']);
    const audit = await h.prisma.auditLog.findFirstOrThrow({ where: { action: 'inspection.recuse' } });
    expect([audit.actorId, audit.target, JSON.parse(audit.after!).reason]).toEqual([INSP, `inspection:${insId}`, '本人曾在该网点任职']);
    expect(textOf(h.fake.messagesTo(SEC).at(-1))).toContain('已回避任务 #1');
    expect(textOf((await say(h, INSP, `/score ${insId} 1.1.1 1 x`))[0])).toContain('已回避，不能评分');
    expect(textOf((await say(h, INSP, `/inspect recuse ${insId} 再次`))[0])).toContain('无需重复操作');
    await say(h, SEC, `/role grant @${INSP2} 检查员`);
    expect(replyText(await say(h, SEC, `/inspect assign 示范支行 @${INSP2}`))).toContain('已指派');
  });

  it('cannot recuse someone else’s check, or after submitting', async () => {
    await say(h, SEC, `/role grant @${INSP2} 检查员`);
    expect(textOf((await say(h, INSP2, `/inspect recuse ${insId} 不想去`))[0])).toContain('没有分配给您的检查任务');
    await say(h, INSP, `/score submit ${insId}`);
    expect(textOf((await say(h, INSP, `/inspect recuse ${insId} 太晚了`))[0])).toContain('已提交评分，不能再回避');
  });

  it.each([
    [['3', '原因'], true],
    [['#3', '曾在', '该行', '任职'], true],
    [['3'], false],
    [['abc', '原因'], false],
  ])('args %j → %s', (words, ok) => {
    expect(args.safeParse(words).success).toBe(ok);
  });
});
