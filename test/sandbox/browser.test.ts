/** Headless Chromium drives the sandbox page like the real users would: type, click cards, move the clock, reset. */
// Needs Debian's chromium at /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it). Without it the suite
// is skipped, with the reason printed, and every other test still runs.
import { existsSync } from 'node:fs';
import { normalizeName } from '../../src/domain/names.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createSandbox, type SandboxHarness } from '../helpers/sandbox.ts';
import { loadMessages } from '../../src/prompts/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/sandbox/browser.test.ts skipped: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const m = loadMessages();
const WAIT = { timeout: 15_000 };

describe.skipIf(!hasChromium)('the sandbox page in headless Chromium', () => {
  let h: SandboxHarness;
  let browser: Browser;
  let page: Page;
  const lastMsg = () => page.locator('#messages .msg').last();
  const openChat = (name: string) => page.locator('#chats button', { hasText: name }).click();
  const toast = (text: string) => page.locator('#toasts .toast', { hasText: text }).first().waitFor(WAIT);

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    // Monday 2026-03-02 10:00 in Asia/Shanghai.
    h = await createSandbox({ clockStart: '2026-03-02T02:00:00Z' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${h.sb.url}/sandbox`);
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('as the secretariat, opens a campaign by typing and clicking 确认开启; the announcement reaches the region group', async () => {
    expect(await page.locator('.banner').textContent()).toContain('演示环境');
    expect(await page.locator('#who').inputValue()).toBe('ou_demo_secretariat');
    await page.locator('#text').fill('/campaign open 演示评选 --apply-by 2026-04-15');
    await page.locator('#text').press('Enter');
    const confirm = page.getByRole('button', { name: m.t('campaign.confirm_open_button') });
    await confirm.waitFor(WAIT);
    await confirm.click();
    await toast(m.t('campaign.opened_toast', { groups: 2 }));
    // The confirmation card is patched in place: same message, new content, no buttons left.
    await page.locator('.msg .card-title', { hasText: m.t('campaign.opened_title') }).waitFor(WAIT);
    expect(await page.getByRole('button', { name: m.t('campaign.confirm_open_button') }).count()).toBe(0);
    await openChat('上海地区示范评选工作群（演示）');
    await page.locator('.card-title', { hasText: '演示评选 开始申报' }).waitFor(WAIT);
    expect(await page.locator('#chat-title').textContent()).toBe('上海地区示范评选工作群（演示）');
  });

  it('as a branch manager, clicks 检查申报资格 and answers the eligibility questions by clicking, to the verdict card', async () => {
    await page.locator('#who').selectOption('ou_demo_manager_sh');
    await openChat('上海地区示范评选工作群（演示）');
    await page.getByRole('button', { name: m.t('campaign.announce_button') }).click();
    await toast(m.t('apply.sent_to_p2p'));
    await openChat(m.t('sandbox.p2p_chat'));
    const step = async (no: number) => page.locator('#messages', { hasText: m.t('apply.step', { no, of: 5 }) }).waitFor(WAIT);
    const answer = (name: string) => lastMsg().getByRole('button', { name, exact: true }).click();
    await step(1);
    await answer('会员单位所辖经营机构');
    await step(2);
    await answer(m.t('apply.yes'));
    await step(3);
    await answer(m.t('apply.yes'));
    await step(4);
    await answer('综合性支行');
    await step(5);
    await lastMsg().locator('input[type=date]').fill('2015-03-18');
    await page.locator('.card-title', { hasText: m.t('verdict.title_ok') }).waitFor(WAIT);
    await page.getByRole('button', { name: m.t('verdict.start_button') }).waitFor(WAIT);
  });

  it('jumping the clock to 30 days before the deadline brings the reminder to the region group', async () => {
    const scheduler = (h.sb.app as unknown as { scheduler?: { tick?: unknown } }).scheduler;
    await page.locator('#jump-date').fill('2026-03-16');
    await page.locator('#jump').click();
    await toast('2026-03-16');
    expect(await page.locator('#now').textContent()).toBe('2026-03-16 周一 09:00');
    expect(typeof scheduler?.tick).toBe('function');
    await openChat('上海地区示范评选工作群（演示）');
    await page.locator('#messages .msg', { hasText: '2026-03-16' }).first().waitFor(WAIT);
    expect(await page.locator('#messages .msg .time', { hasText: '2026-03-16' }).count()).toBeGreaterThan(0);
  });

  it('draws every card component, keeps card text as text, and sends form_value with every named field', async () => {
    // The page's own module, exposed for this test (vite would rewrite an import() written here).
    await page.addScriptTag({ type: 'module', content: "import { renderCard } from '/sandbox/assets/cards.js'; window.__renderCard = renderCard;" });
    await page.waitForFunction(() => '__renderCard' in window);
    const out = await page.evaluate(async () => {
      const renderCard = (window as unknown as { __renderCard: (card: unknown, ctx: unknown) => HTMLElement }).__renderCard;
      const acts: unknown[] = [];
      const notes: string[] = [];
      const card = {
        schema: '2.0',
        header: { title: { tag: 'plain_text', content: '<b>标题</b>' }, template: 'violet' },
        body: {
          elements: [
            { tag: 'markdown', content: '**粗体** <img src=x onerror="window.__xss=1"> [链接](https://example.com)\n- 第一项\n- 第二项\n&#42;&#42;不是粗体&#42;&#42;' },
            { tag: 'hr' },
            { tag: 'collapsible_panel', expanded: false, header: { title: { tag: 'plain_text', content: '展开' } }, elements: [{ tag: 'markdown', content: '面板内容' }] },
            { tag: 'chart', chart_spec: { type: 'bar', data: { values: [{ x: '上海', y: 3 }, { x: '浙江', y: 5 }] }, xField: 'x', yField: 'y' } },
            { tag: 'chart', chart_spec: { type: 'pie', data: [{ id: 'd', values: [{ k: '甲', v: 1 }, { k: '乙', v: 3 }] }], categoryField: 'k', valueField: 'v' } },
            {
              tag: 'form', name: 'f',
              elements: [
                { tag: 'input', name: 'unit', required: true, label: { tag: 'plain_text', content: '网点' } },
                { tag: 'select_static', name: 'tier', options: [{ text: { tag: 'plain_text', content: '百佳' }, value: 'bai' }], initial_option: 'bai' },
                { tag: 'date_picker', name: 'opened' },
                { tag: 'button', name: 'go', text: { tag: 'plain_text', content: '提交' }, form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'x.submit' } }] },
              ],
            },
            { tag: 'select_static', options: [{ text: { tag: 'plain_text', content: '甲' }, value: 'a' }], behaviors: [{ type: 'callback', value: { a: 'x.pick' } }] },
          ],
        },
      };
      const node = renderCard(card, { i18n: JSON.parse(document.getElementById('sandbox-data')!.textContent!).i18n, act: async (p: unknown) => void acts.push(p), notify: (t: string) => void notes.push(t) });
      document.body.append(node);
      const submit = [...node.querySelectorAll('button')].find((b) => b.textContent === '提交')!;
      submit.click();
      await new Promise((r) => setTimeout(r, 0));
      const beforeFill = acts.length;
      (node.querySelector('input[name=unit]') as HTMLInputElement).value = '上海分行营业部';
      (node.querySelector('input[name=opened]') as HTMLInputElement).value = '2015-03-18';
      submit.click();
      const loose = node.querySelectorAll('select')[1] as HTMLSelectElement;
      loose.value = 'a';
      loose.dispatchEvent(new Event('change'));
      await new Promise((r) => setTimeout(r, 0));
      const result = {
        acts, notes, beforeFill,
        title: node.querySelector('.card-title')!.textContent, headerClass: node.querySelector('.card-header')!.className,
        imgs: node.querySelectorAll('img').length, xss: (window as unknown as { __xss?: number }).__xss ?? null,
        bold: [...node.querySelectorAll('strong')].map((s) => s.textContent), items: node.querySelectorAll('li').length,
        text: node.textContent, bars: node.querySelectorAll('svg rect').length, panelOpen: (node.querySelector('details') as HTMLDetailsElement).open,
      };
      node.remove();
      return result;
    });
    expect(out.title).toBe('<b>标题</b>');
    expect(out.headerClass).toContain('tpl-violet');
    expect(out.imgs).toBe(0);
    expect(out.xss).toBeNull();
    expect(out.bold).toEqual(['粗体']);
    expect(out.text).toContain('**不是粗体**');
    expect(out.text).toContain('<img src=x');
    expect(out.items).toBe(2);
    expect(out.bars).toBe(4);
    expect(out.text).toContain('75%');
    expect(out.panelOpen).toBe(false);
    expect(out.beforeFill).toBe(0);
    expect(out.notes).toEqual([m.t('sandbox.required_missing')]);
    expect(out.acts).toEqual([
      { value: { a: 'x.submit' }, tag: 'button', name: 'go', formValue: { unit: '上海分行营业部', tier: 'bai', opened: '2015-03-18 +0800' } },
      { value: { a: 'x.pick' }, tag: 'select_static', option: 'a' },
    ]);
  });

  it('keeps a click on another chat made while a poll for the old chat is still out', async () => {
    const names = await page.locator('#chats button .chat-name').allTextContents();
    expect(names.length).toBeGreaterThan(1);
    const [from, to] = names as [string, string];
    await openChat(from);
    await page.locator('#chat-title', { hasText: from }).waitFor(WAIT);
    // Hold the next poll for `from` until the click on `to` has been made, then let its answer arrive late.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    let once = true;
    await page.route('**/sandbox/api/state?*', async (route) => {
      if (once && new URL(route.request().url()).searchParams.get('chat') !== '') {
        once = false;
        held();
        await released;
      }
      await route.continue();
    });
    await holding;
    await openChat(to);
    release();
    // The late answer for `from` is dropped and a poll for `to` is applied (before the fix the stale answer put `from`
    // back, and every later poll kept it). The title changes only when an answer is applied, so wait for that rather
    // than for the responses: a response is seen before the page has read and applied its body.
    await page.locator('#chat-title', { hasText: to }).waitFor(WAIT);
    // Two more polls come and go; the chosen chat stays chosen.
    for (let i = 0; i < 2; i++) await page.waitForResponse((r) => r.url().includes('/sandbox/api/state?'), WAIT);
    await page.locator('#chat-title', { hasText: to }).waitFor(WAIT);
    expect(await page.locator('#chat-title').textContent()).toBe(to);
    expect(await page.locator('#chats button.active .chat-name').textContent()).toBe(to);
    await page.unroute('**/sandbox/api/state?*');
  });

  it('the reset button wipes the round and reseeds, back at real time', async () => {
    await page.locator('#reset').click();
    await toast(m.t('sandbox.reset_done'));
    await page.locator('#messages .empty').waitFor(WAIT);
    expect(await page.locator('#now').textContent()).toBe('2026-03-02 周一 10:00');
    expect(await h.sb.prisma.campaign.count()).toBe(1);
  });
});

describe.skipIf(!hasChromium)('a manager never hits a dead end (issue 18), in headless Chromium', () => {
  let h: SandboxHarness;
  let browser: Browser;
  let page: Page;
  const MANAGER = 'ou_demo_manager_sh';
  const UNIT = '上海分行营业部（演示）';
  /** The unit's name as stored and shown: its one form (NFKC: full-width parentheses become ASCII; issue 11). */
  const SHOWN = normalizeName(UNIT);
  const say = async (text: string) => {
    await page.locator('#text').fill(text);
    await page.locator('#text').press('Enter');
  };
  const seen = (text: string) => page.locator('#messages .msg', { hasText: text }).first().waitFor(WAIT);
  /** Types a reply and waits for the bot's next message containing `answer` (one more than before). */
  const answer = async (text: string, answerText: string) => {
    const n = await page.locator('#messages .msg', { hasText: answerText }).count();
    await say(text);
    await page.locator('#messages .msg', { hasText: answerText }).nth(n).waitFor(WAIT);
  };
  const progressCard = () => page.locator('#messages .msg', { hasText: m.t('checklist.title', { unit: SHOWN }) }).last();
  const toast = (text: string) => page.locator('#toasts .toast', { hasText: text }).first().waitFor(WAIT);

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    h = await createSandbox({ clockStart: '2026-03-02T02:00:00Z' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${h.sb.url}/sandbox`);
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('partial checklist, the dialog idles out, 完成 6 two days later marks the item, and 提交申报 submits', async () => {
    // The secretariat opens a round.
    await say('/campaign open 演示评选 --apply-by 2026-04-15');
    await page.getByRole('button', { name: m.t('campaign.confirm_open_button') }).click();
    await toast(m.t('campaign.opened_toast', { groups: 2 }));

    // The manager checks eligibility and fills in the unit's details by typing, then ticks off part of the checklist.
    await page.locator('#who').selectOption(MANAGER);
    await page.locator('#chats button', { hasText: m.t('sandbox.p2p_chat') }).click();
    const steps: Array<[string, string]> = [
      ['申报', m.t('apply.step', { no: 1, of: 5 })], ['1', m.t('apply.step', { no: 2, of: 5 })], ['是', m.t('apply.step', { no: 3, of: 5 })],
      ['是', m.t('apply.step', { no: 4, of: 5 })], ['1', m.t('apply.step', { no: 5, of: 5 })], ['2014-05-20', m.t('verdict.title_ok')],
      ['开始申报', '网点全称'], [UNIT, m.t('unit.ask_bank')], ['华夏示范银行（演示）', m.t('unit.ask_region')], ['上海市银行业协会（演示）', m.t('unit.ask_tier')],
      ['千佳', m.t('checklist.title', { unit: SHOWN })],
    ];
    for (const [t, next] of steps) await answer(t, next);
    for (const no of [1, 2, 3, 4, 5, 7]) {
      await progressCard().getByRole('button', { name: m.t('checklist.done_button', { no }), exact: true }).click();
      await toast(m.t('checklist.updated', { no }));
    }
    await progressCard().getByText(m.t('checklist.progress', { done: 6, total: 8, requiredDone: 6, requiredTotal: 7 })).waitFor(WAIT);

    // Two days pass: the dialog idles out (24 h) and says so once.
    for (let i = 0; i < 2; i++) {
      await page.locator('.jump-days[data-days="1"]').click();
      await page.locator('#now', { hasText: i === 0 ? '2026-03-03' : '2026-03-04' }).waitFor(WAIT);
    }
    await seen(m.t('apply.expired', { hours: 24 }));

    // 完成 6, typed outside any dialog: the progress card (same message) now has every required item.
    const before = await page.locator('#messages .msg').count();
    await say('完成 6');
    await progressCard().getByText(m.t('checklist.progress', { done: 7, total: 8, requiredDone: 7, requiredTotal: 7 })).waitFor(WAIT);
    expect(await page.locator('#messages .msg', { hasText: m.t('help.intro').slice(0, 10) }).count()).toBe(0);
    expect(await page.locator('#messages .msg').count()).toBe(before + 1); // just the message typed; the card changed in place

    await say('提交申报');
    // Every candidate goes to its bank for 报备 first (第九条第（二）项), then to the region.
    await seen(m.t('submit.done', { unit: SHOWN, tier: '千佳', next: m.t('submit.next_filing', { bank: '华夏示范银行（演示）', region: '上海市银行业协会（演示）' }) }));
    const app = await h.sb.prisma.application.findFirstOrThrow({ where: { managerOpenId: MANAGER } });
    expect(app.status).toBe('SUBMITTED');
    expect(JSON.parse(app.checklist).photos.done).toBe(true);
  });
});
