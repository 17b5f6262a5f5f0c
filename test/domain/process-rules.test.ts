/** The files that hold our readings of the 管理办法 (process.yaml) and the 备案 checklist (plans.yaml) are checked at start. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlanChecklist, parseProcessRules, RulesFileError } from '../../src/domain/process-rules.ts';

const processText = readFileSync('prompts/zh-CN/process.yaml', 'utf8');
const plansText = readFileSync('prompts/zh-CN/plans.yaml', 'utf8');
const tiers = ['bai', 'qian'];

describe('process.yaml', () => {
  it('the shipped file reads as documented: 报备 for every tier, 资格审定 for 百佳, 复选 required', () => {
    const r = parseProcessRules(processText, 'process.yaml', tiers);
    expect(r.review).toEqual({ filingTiers: ['bai', 'qian'], qualificationTiers: ['bai'], secretariatMayPreselect: true });
    expect(r.recheck.required).toBe(true);
    expect(r.limits.openSpecialCasesPerPerson).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown tier', processText.replace('filingTiers: [bai, qian]', 'filingTiers: [bai, xing]'), 'tier "xing" is not in cycle.yaml'],
    ['a limit of 0', processText.replace(/openSpecialCasesPerPerson: \d+/, 'openSpecialCasesPerPerson: 0'), 'limits.openSpecialCasesPerPerson'],
    ['an unknown key', processText.replace('recheck:\n', 'recheck:\n  sometimes: true\n'), 'recheck'],
    ['not YAML', 'review: [', 'not valid YAML'],
  ])('refuses %s, naming the file and key', (_l, text, where) => {
    expect(() => parseProcessRules(text, 'prompts/zh-CN/process.yaml', tiers)).toThrow(RulesFileError);
    expect(() => parseProcessRules(text, 'prompts/zh-CN/process.yaml', tiers)).toThrow(where);
  });
});

describe('plans.yaml', () => {
  it('the shipped checklist cites its articles', () => {
    const p = parsePlanChecklist(plansText, 'plans.yaml');
    expect(p.region.map((i) => i.basis)).toEqual(['第八条第（一）项', '第十条']);
    expect(p.member.map((i) => i.basis)).toEqual(['第九条第（一）项', '第十条']);
  });
  it('refuses an item id used twice', () => {
    expect(() => parsePlanChecklist(plansText.replace('id: member_plan', 'id: region_plan'), 'plans.yaml')).toThrow('duplicate item id "region_plan"');
  });
});
