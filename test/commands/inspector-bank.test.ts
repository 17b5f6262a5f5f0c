/** End-to-end: recording an inspector's bank (their own, or anyone's by an admin), and flagging open checks it now conflicts with. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, INSP, INSP2, RA_BJ, replyText, type World } from '../helpers/inspections.ts';

let h: Harness;
let w: World;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
  w = await inspectionWorld(h);
});
afterEach(async () => h.close());

describe('/inspector bank', () => {
  it('lets an inspector declare only their own bank', async () => {
    await say(h, SEC, `/role grant @${INSP2} 检查员`);
    expect(textOf((await say(h, INSP2, `/inspector bank @${INSP} 示范银行`))[0])).toContain('只能登记本人');
    expect(textOf((await say(h, INSP2, `/inspector bank @${INSP2} 示范银行`))[0])).toContain('已登记');
    expect(textOf((await say(h, INSP2, `/inspector bank @${INSP2} 无此银行`))[0])).toContain('没有名为「无此银行」的会员单位');
  });

  it('flags open checks of the bank just recorded, and audits the record once', async () => {
    const appId = await candidate(h, w, { name: '示范支行' });
    await say(h, SEC, `/inspect assign ${appId} @${INSP}`);
    const r = replyText(await say(h, SEC, `/检查员单位 @${INSP} 示范银行`));
    expect(r).toContain('已登记 ou_insp1 属于「示范银行」');
    expect(r).toContain('其尚未提交的任务 #1 属于该行网点');
    expect(textOf((await say(h, SEC, `/inspector bank @${INSP} 示范银行`))[0])).toContain('已登记过');
    expect(await h.prisma.auditLog.count({ where: { action: 'inspector.bank', target: INSP } })).toBe(1);
  });
});

describe('/inspector bank by a regional admin (finding 6)', () => {
  it("records banks only for inspectors who serve in the admin's own region; others are refused and audited", async () => {
    await say(h, SEC, `/role grant @${INSP2} 检查员 上海`);
    await say(h, SEC, '/role grant @ou_insp_bj 检查员 北京');
    const before = await h.prisma.inspectorAffiliation.count();
    // RA_BJ administers 北京 only: INSP is a national inspector, INSP2 serves 上海.
    for (const target of [INSP, INSP2]) {
      const [r] = await say(h, RA_BJ, `/inspector bank @${target} 示范银行`);
      expect(textOf(r)).toContain('只有中银协秘书处可以为其登记所属单位');
    }
    expect(await h.prisma.inspectorAffiliation.count()).toBe(before);
    const refusals = await h.prisma.auditLog.findMany({ where: { action: 'refused', actorId: RA_BJ } });
    expect(refusals.map((r) => JSON.parse(r.after!).code)).toEqual(['inspector_other_region', 'inspector_other_region']);
    expect(textOf((await say(h, RA_BJ, '/inspector bank @ou_insp_bj 示范银行'))[0])).toContain('已登记');
    expect(await h.prisma.inspectorAffiliation.count({ where: { openId: 'ou_insp_bj' } })).toBe(1);
  });
});
