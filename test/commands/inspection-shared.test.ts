/** Why: every problem with a deduction is told in its own words, naming the item; a repeated item is not an unknown one. */
import { describe, expect, it } from 'vitest';
import { problemText, type BaseCtx } from '../../src/commands/inspection-shared.ts';
import { loadMessages } from '../../src/prompts/index.ts';
import { loadRubrics } from '../../src/store/rubrics.ts';
import type { DeductionProblem } from '../../src/domain/scoring.ts';

const m = loadMessages();
const ctx = { t: m.t.bind(m) } as unknown as BaseCtx;
const rubric = loadRubrics().default;

describe('problemText', () => {
  it.each<[DeductionProblem, string[]]>([
    [{ code: 'duplicate_item', itemId: '1.1.1' }, ['1.1.1 门楣标识', '出现了两次']],
    [{ code: 'unknown_item', itemId: '9.9.9' }, ['评分表中没有项目「9.9.9」']],
    [{ code: 'not_a_number', itemId: '1.1.1', input: '两分' }, ['1.1.1 门楣标识', '「两分」不是有效的扣分']],
    [{ code: 'above_max', itemId: '1.1.1', points: 4, max: 3 }, ['1.1.1 门楣标识', '扣分 4 超过该项满分 3']],
    [{ code: 'below_zero', itemId: '1.1.1', points: -1 }, ['扣分不能小于 0']],
    [{ code: 'off_step', itemId: '1.1.1', points: 0.3, step: 0.5 }, ['不是 0.5 的整数倍']],
    [{ code: 'reason_required', itemId: '1.1.1' }, ['请写明扣分原因']],
    [{ code: 'not_in_check', itemId: '1.1.1', kind: 'mystery' }, ['不由神秘客户暗访评分']],
  ])('%j', (problem, parts) => {
    const text = problemText(ctx, rubric, problem);
    for (const p of parts) expect(text).toContain(p);
  });

  it('each code has its own wording: no two problems read the same', () => {
    const problems: DeductionProblem[] = [
      { code: 'duplicate_item', itemId: '1.1.1' }, { code: 'unknown_item', itemId: '1.1.1' }, { code: 'reason_required', itemId: '1.1.1' },
      { code: 'below_zero', itemId: '1.1.1', points: -1 }, { code: 'not_a_number', itemId: '1.1.1', input: 'x' },
    ];
    const texts = problems.map((p) => problemText(ctx, rubric, p));
    expect(new Set(texts).size).toBe(texts.length);
  });
});
