/** Why: the answer to a message the bot did not understand is a guess from the person's state; each state and its guess are pinned here. */
import { describe, expect, it } from 'vitest';
import { guessNextStep, numberIn, type DraftState, type Guess, type PersonState } from '../../src/domain/guess.ts';

const draft = (o: Partial<DraftState> = {}): DraftState => ({ appId: 7, missing: [6], total: 8, closedOn: null, ...o });
const person = (o: Partial<PersonState> = {}): PersonState => ({ inGroup: false, drafts: [], others: 0, campaignOpen: true, ...o });

describe('guessNextStep', () => {
  it.each<[string, string, PersonState, Guess]>([
    ['one draft, a number in range', '6 好了', person({ drafts: [draft()] }), { kind: 'mark', appId: 7, no: 6 }],
    ['one draft, 第六项 in words', '第六项也弄完了', person({ drafts: [draft()] }), { kind: 'mark', appId: 7, no: 6 }],
    ['one draft, an optional item named', '8', person({ drafts: [draft()] }), { kind: 'mark', appId: 7, no: 8 }],
    ['one draft, no number: the first missing item', '照片拍好了', person({ drafts: [draft({ missing: [3, 6] })] }), { kind: 'mark', appId: 7, no: 3 }],
    ['one draft, a number out of range: the first missing item', '12', person({ drafts: [draft({ missing: [3, 6] })] }), { kind: 'mark', appId: 7, no: 3 }],
    ['one draft, two numbers: the first missing item', '3 和 6', person({ drafts: [draft({ missing: [4] })] }), { kind: 'mark', appId: 7, no: 4 }],
    ['one draft, nothing missing: submit', '好了', person({ drafts: [draft({ missing: [] })] }), { kind: 'submit', appId: 7 }],
    ['one draft after the deadline', '6', person({ drafts: [draft({ closedOn: '2026-05-31' })] }), { kind: 'closed', closedOn: '2026-05-31' }],
    ['several drafts', '6', person({ drafts: [draft(), draft({ appId: 8 })] }), { kind: 'mine' }],
    ['only submitted applications', '进度如何', person({ others: 2 }), { kind: 'mine' }],
    ['nothing yet, a round open', '你好', person(), { kind: 'apply' }],
    ['nothing yet, no round open', '你好', person({ campaignOpen: false }), { kind: 'help' }],
    ['in a group, nobody\'s drafts are named', '6', person({ inGroup: true, drafts: [draft()] }), { kind: 'apply' }],
    ['in a group with no round', '6', person({ inGroup: true, campaignOpen: false }), { kind: 'help' }],
  ])('%s', (_name, text, state, expected) => {
    expect(guessNextStep(text, state)).toEqual(expected);
  });
});

describe('numberIn', () => {
  it.each<[string, number | null]>([
    ['6', 6], ['第6项', 6], ['６号', 6], ['第六项', 6], ['2026年', null], ['0', null], ['9', null], ['3 和 6', null], ['没有数字', null], ['六', null],
  ])('%s → %s', (text, n) => {
    expect(numberIn(text, 8)).toBe(n);
  });
});
