/** End-to-end: /help lists only the commands the caller's roles allow. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { say, textOf } from '../helpers/chat.ts';
import { SEC } from '../helpers/setup.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ secretariat: [SEC] });
});
afterEach(async () => h.close());

describe('/help', () => {
  it('shows the secretariat every admin command', async () => {
    const t = textOf((await say(h, SEC, '/help'))[0]);
    for (const c of ['/campaign open', '/campaign close', '/quota set', '/role grant', '/chat bind']) expect(t).toContain(c);
  });
  it('hides admin commands from a person with no role', async () => {
    const t = textOf((await say(h, 'ou_plain', '帮助'))[0]);
    expect(t).toContain('/help');
    for (const c of ['/campaign open', '/quota set', '/role grant', '/campaign status']) expect(t).not.toContain(c);
  });
  it('shows a regional admin the bind command but not quota', async () => {
    await say(h, SEC, '/region add 北京');
    await say(h, SEC, '/role grant @ou_ra 地方协会管理员 北京');
    const t = textOf((await say(h, 'ou_ra', 'help'))[0]);
    expect(t).toContain('/chat bind');
    expect(t).toContain('/campaign status');
    expect(t).not.toContain('/quota set');
  });
});
