/** The "done when": in the sandbox, 信托公司能申报吗？ gets an answer that quotes 第十一条第（一）项 and says no; forwarding reaches the demo secretariat. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxHarness } from '../helpers/sandbox.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MGR = 'ou_demo_manager_sh';
const SEC = 'ou_demo_secretariat';
const P2P = `oc_p2p_${MGR}`;

describe('asking the rules in the sandbox', () => {
  it('offers the question as a hint, answers it with 第十一条第（一）项 and "不能申报", and forwards it to the secretariat', async () => {
    h = await createSandbox();
    const state = (await h.get(`/sandbox/api/state?as=${MGR}`)).body;
    expect(state.hints).toContain('信托公司能申报吗？');
    const before = h.sb.fake.messages.length;
    expect((await h.post('/sandbox/api/send', { as: MGR, chatId: P2P, text: '信托公司能申报吗？' })).status).toBe(200);
    const answer = await h.sb.fake.waitFor((ms) => ms.slice(before).find((m) => m.chat_id === P2P), { what: 'the answer' });
    const card = JSON.stringify(answer.card);
    expect(card).toContain('《管理办法》第十一条第（一）项');
    expect(card).toContain('(一)各级银行业协会会员单位所辖经营机构(信托公司、租赁公司、财务公司等暂不在此列);');
    expect(card).toContain('不能申报：信托公司暂不在此列。');

    const value = { a: 'rules.forward', q: (await h.sb.app.deps.prisma.ruleQuestion.findFirstOrThrow()).id };
    const click = await h.post('/sandbox/api/action', { as: MGR, messageId: answer.message_id, value });
    expect(click.status).toBe(200);
    await h.sb.fake.waitFor((ms) => ms.find((m) => m.receive_id === SEC && JSON.stringify(m.card ?? '').includes('规则问答待答复')), { what: 'the form at the secretariat' });
  });
});
