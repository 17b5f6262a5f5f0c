/** /rules (/问答库): the secretariat's view of forwarded questions and added rows; answering from it; removing a row. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { click, say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';
import { cardText } from '../helpers/rules.ts';
import { args } from '../../src/commands/rules-admin.ts';

const MGR = 'ou_manager_admin';
const LATE = 'ou_secretariat_late';
let h: Harness;


describe('/rules arguments', () => {
  it.each([
    [[], { kind: 'list' }],
    [['12'], { kind: 'open', id: 12 }],
    [['#12'], { kind: 'open', id: 12 }],
    [['remove', '3'], { kind: 'remove', id: 3 }],
    [['删除', '3'], { kind: 'remove', id: 3 }],
  ])('%j', (words, want) => expect(args.parse(words)).toEqual(want));

  it.each([[['remove']], [['remove', 'x']], [['abc']], [['1', '2']]])('refuses %j', (words) => expect(args.safeParse(words).success).toBe(false));
});

describe('/rules', () => {
  beforeEach(async () => {
    h = await createHarness({ secretariat: [SEC] });
    for (const [id, name] of [[SEC, '王秘书'], [MGR, '张行长'], [LATE, '新秘书']] as const) h.fake.addUser({ openId: id, name });
  });
  afterEach(async () => h.close());

  it('is for the secretariat only', async () => {
    const [r] = await say(h, MGR, '/rules');
    expect(textOf(r)).toContain('中银协秘书处');
    expect(textOf(r)).not.toContain('待答复的问题');
  });

  it('lists forwarded questions and added rows; a late member answers by /rules N; remove takes a row out of use', async () => {
    const [a] = await say(h, MGR, '营业厅空调温度怎么检查？');
    await click(h, MGR, a!, '转给秘书处答复');
    const id = (await h.prisma.ruleQuestion.findFirstOrThrow()).id;
    const [list] = await say(h, SEC, '/rules');
    expect(cardText(list)).toContain('**待答复的问题**（1）');
    expect(cardText(list)).toContain(`#${id} 营业厅空调温度怎么检查？`);
    expect(cardText(list)).toContain('还没有加入的问答');

    await say(h, SEC, `/role grant @${LATE} 秘书处`);
    const [form] = await say(h, LATE, `/rules ${id}`);
    expect(cardText(form)).toContain(`规则问答待答复 #${id}`);
    await click(h, LATE, form!, '答复并加入问答库', { formValue: { answer: '营业厅环境按检查标准检查。', ref: '7.1', terms: '空调' } });
    expect((await h.prisma.ruleQuestion.findUniqueOrThrow({ where: { id } })).answeredBy).toBe(LATE);
    expect(textOf((await say(h, LATE, `/rules ${id}`))[0])).toContain(`没有待答复的问题 #${id}`);

    const [list2] = await say(h, SEC, '/问答库');
    expect(cardText(list2)).toContain('没有待答复的问题');
    expect(cardText(list2)).toContain('编号 1：营业厅空调温度怎么检查？ → 第七条第（一）项：营业厅环境按检查标准检查。');
    expect(cardText((await say(h, MGR, '空调开几度？'))[0])).toContain('营业厅环境按检查标准检查。');

    const [removed] = await say(h, SEC, '/rules remove 1');
    expect(textOf(removed)).toContain('已删除问答 1');
    const row = await h.prisma.ruleEntry.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.removedBy).toBe(SEC);
    expect(await h.prisma.auditLog.count({ where: { action: 'rules.entry_remove', target: 'rule_entry:1' } })).toBe(1);
    expect(cardText((await say(h, MGR, '空调开几度？'))[0])).not.toContain('营业厅环境按检查标准检查。');
    expect(textOf((await say(h, SEC, '/rules remove 1'))[0])).toContain('没有编号为 1 的有效问答');
  });
});
