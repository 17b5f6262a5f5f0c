/** End-to-end: recording an inspector's bank (their own, or anyone's by an admin), and flagging open checks it now conflicts with. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { candidate, inspectionWorld, INSP, INSP2, replyText, type World } from '../helpers/inspections.ts';

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
