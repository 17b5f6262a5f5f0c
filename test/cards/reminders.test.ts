/** Why: reminder cards carry lists of unknown length; they must stay valid and under Feishu's 30 KB however long the lists get. */
import { describe, expect, it } from 'vitest';
import { loadMessages } from '../../src/prompts/index.ts';
import { asLocalDate, zonedDateTime } from '../../src/domain/dates.ts';
import { MAX_CARD_BYTES } from '../../src/send/sender.ts';
import { validateCard } from '../../src/sandbox/fake/index.ts';
import { previewCard, reminderCard } from '../../src/cards/reminders.ts';
import type { Reminder, ReminderContent } from '../../src/domain/reminders.ts';

const m = loadMessages();
const tierName = (id: string) => (id === 'bai' ? '百佳' : '千佳');
const head = { campaignId: 3, campaignName: '2026—2027年度评选', milestone: 'apply_deadline' as const, milestoneName: '申报截止', anchor: asLocalDate('2026-04-16'), anchorKind: 'start' as const, isWindow: false, daysLeft: 7 };
const bytes = (c: unknown) => Buffer.byteLength(JSON.stringify(c));

describe('reminder cards', () => {
  it('a manager with 40 applications, each lacking 40 items, still gets a card under 30 KB that says how much is left out', () => {
    const content: ReminderContent = {
      ...head,
      kind: 'branch_manager',
      applications: Array.from({ length: 40 }, (_, i) => ({ applicationId: i, unitName: `<at id=all>网点${i}**`, tier: 'bai', missing: Array.from({ length: 40 }, (_, j) => `材料${j}：`.padEnd(60, '长')) })),
    };
    const card = reminderCard(m, content, { tierName });
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
    const text = JSON.stringify(card);
    expect(text).toContain('另有 30 项'); // applications beyond the first 10
    expect(text).toContain('另有 34 项'); // 60 item lines shared by 10 applications: 6 each
    expect(text).not.toContain('<at id=all>');
    expect(validateCard(card).ok).toBe(true);
  });

  it('every kind renders a valid card with its button', () => {
    const kinds: ReminderContent[] = [
      { ...head, kind: 'region_group', regionId: 1, regionName: '北京', rows: [{ tier: 'bai', submitted: 12, drafts: 1, quota: 15 }, { tier: 'qian', submitted: 3, drafts: 0, quota: null }] },
      { ...head, kind: 'member_admin', items: [{ applicationId: 1, unitName: '建行北京支行', regionId: 1, memberUnitId: 2, tier: 'bai' }] },
      { ...head, kind: 'inspector', visits: [{ inspectorOpenId: 'ou_i', applicationId: 1, unitName: '建行北京支行', regionId: 1, memberUnitId: 2, tier: 'bai', date: null, kind: '暗访', done: false }] },
      { ...head, kind: 'secretariat' },
      { ...head, daysLeft: -1, kind: 'escalation', regionId: 1, regionName: '北京', items: [{ unitName: 'A', tier: 'bai', what: 'incomplete', detail: [] }, { unitName: 'B', tier: 'qian', what: 'incomplete', detail: ['照片'] }] },
      { ...head, kind: 'digest', phase: null, next: [], totals: [{ tier: 'bai', submitted: 1, drafts: 2, quota: 3 }], backlog: 0, sentLastWeek: 0, failedLastWeek: 0 },
    ];
    for (const c of kinds) {
      const card = reminderCard(m, c, { tierName });
      expect(validateCard(card).ok, c.kind).toBe(true);
      expect(JSON.stringify(card), c.kind).toContain('"a":"campaign.status_card","id":3');
    }
    expect(JSON.stringify(reminderCard(m, kinds[0]!, { tierName }))).toContain('千佳：已提交 **3** 份，名额未设置');
    expect(JSON.stringify(reminderCard(m, kinds[4]!, { tierName }))).toContain('B（千佳）：申报未提交，缺 照片');
  });
});

describe('preview card', () => {
  it('lists at most 60 lines and counts the rest', () => {
    const at = zonedDateTime(asLocalDate('2026-04-09'), '09:00', 'Asia/Shanghai');
    const r = (i: number) =>
      ({ kind: 'region_group', offsetDays: 7, deliverAt: at, disposition: 'send', to: { type: 'chat_id', id: `oc_${i}` }, content: { ...head, kind: 'region_group', regionId: i, regionName: `地区${i}`, rows: [] } }) as unknown as Reminder;
    const card = previewCard(m, Array.from({ length: 500 }, (_, i) => r(i)), {
      days: 7, timeZone: 'Asia/Shanghai', paused: null, names: new Map(), regionName: String, localDate: () => asLocalDate('2026-04-09'), localTime: () => '09:00',
    });
    const text = JSON.stringify(card);
    expect(bytes(card)).toBeLessThan(MAX_CARD_BYTES);
    expect(text).toContain('另有 440 项');
    expect(text).toContain('共 **500** 条提醒');
  });
});
