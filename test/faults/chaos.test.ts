/** Why: Feishu fails a share of calls (5xx, 429, timeouts, answers lost after the send landed); the bot must still deliver everything once. */
// Deterministic: the fake's chaos is seeded, the business clock is a ManualClock and pacing is virtual (back-offs take
// no wall time). Which call draws which fault depends on the order calls arrive in; the assertions do not.
// The last test greps every log line this file produced for the app secret and the tenant tokens the fake issued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogLines, createHarness, CREDS, type Harness } from '../helpers/harness.ts';
import type { ChaosConfig } from '../../src/sandbox/fake/index.ts';
import { currentTenantToken, linesWithSecrets, until } from './helpers.ts';

let h: Harness;
const issuedTokens = new Set<string>();

beforeAll(async () => {
  // Held answers are cut by the SDK's timeout; 250 ms keeps the file fast while still firing the timeout path.
  h = await createHarness({ larkTimeoutMs: 250 });
});
afterAll(async () => {
  await h?.close();
});

const USERS = Array.from({ length: 150 }, (_, i) => `ou_chaos_${String(i).padStart(3, '0')}`);
const GROUPS = Array.from({ length: 10 }, (_, i) => `oc_chaos_group_${i}`);

/** A timeout or a 502 *after* the message was created: the bot cannot know it landed, and must resend with the same uuid. */
const lostAnswer = (spec: { kind: 'timeout'; ms: number } | { kind: 'http5xx'; status: number }) => ({ ...spec, afterCommit: true }) as unknown as { kind: 'timeout'; ms: number };

const CHAOS: ChaosConfig = {
  rate: 0.2,
  seed: 20261126,
  kinds: ['http5xx', 'http429', { kind: 'timeout', ms: 1000 }, lostAnswer({ kind: 'timeout', ms: 1000 }), lostAnswer({ kind: 'http5xx', status: 502 })],
  routes: ['send', 'reply'],
};

async function outboxOpen(): Promise<number> {
  return h.prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
}

async function settleAll(): Promise<void> {
  await until(async () => {
    await h.app.settle();
    return (await outboxOpen()) === 0;
  }, 'the outbox to empty', 60_000);
}

describe('20 % of Open API calls fail', () => {
  it('every reminder and every reply is delivered exactly once', async () => {
    for (const u of USERS) h.fake.addUser({ openId: u, name: u });
    for (const g of GROUPS) h.fake.addChat({ chatId: g, name: g, type: 'group', members: USERS.slice(0, 5) });
    issuedTokens.add(await currentTenantToken(h.fake));
    h.fake.setChaos(CHAOS);

    // Inbound: 40 people ask for help (each reply is a reply API call, subject to chaos too).
    const asked: string[] = [];
    for (let i = 0; i < 40; i++) asked.push((await h.fake.deliverMessage({ from: USERS[i]!, chatType: 'p2p', text: '帮助' })).messageId);
    // Outbound: one reminder to each person and each group, keyed so a repeat is a no-op.
    for (const id of [...USERS, ...GROUPS]) {
      const byChat = id.startsWith('oc_');
      await h.app.sender.enqueue({
        op: 'create', receiveIdType: byChat ? 'chat_id' : 'open_id', receiveId: id, msgType: 'text', content: { text: `提醒 ${id}` }, dedupeKey: `chaos:remind:${id}`,
      });
    }
    await settleAll();

    const fired = h.fake.chaosFired();
    expect(Object.values(fired).reduce((a, n) => a + n, 0)).toBeGreaterThan(20);
    for (const kind of ['http5xx', 'http429', 'timeout']) expect(fired[kind], `chaos kind ${kind} fired`).toBeGreaterThan(0);
    // The lost-answer path was taken and healed by the uuid (the fake answers the resend with the message it already has).
    expect(h.fake.calls.some((c) => c.fault?.endsWith(':after-commit'))).toBe(true);
    expect(h.fake.calls.some((c) => c.fault === 'uuid-dedupe')).toBe(true);

    const reminders = h.fake.messages.filter((m) => m.replyTo === undefined);
    const perTarget = new Map<string, number>();
    for (const m of reminders) perTarget.set(m.receive_id, (perTarget.get(m.receive_id) ?? 0) + 1);
    for (const id of [...USERS, ...GROUPS]) expect(perTarget.get(id) ?? 0, `messages to ${id}`).toBe(1);
    expect(reminders).toHaveLength(USERS.length + GROUPS.length);

    for (const messageId of asked) expect(h.fake.messages.filter((m) => m.replyTo === messageId), `replies to ${messageId}`).toHaveLength(1);
    expect(await h.prisma.outboxMessage.count({ where: { status: { not: 'sent' } } })).toBe(0);
    expect(h.app.sender.stats.failed).toBe(0);
  }, 90_000);

  it('an invalid token (401), a failing token endpoint and 5xx bursts are retried until delivered once', async () => {
    h.fake.setChaos(null);
    h.fake.clearFaults();
    // Every token is revoked, and the first fresh token request fails: the bot must get a new token and carry on.
    issuedTokens.add(await currentTenantToken(h.fake));
    h.fake.revokeTokens();
    h.fake.inject({ kind: 'http5xx', status: 500, match: { route: 'token' } });
    h.fake.inject({ kind: 'code', code: 99991663, status: 401, msg: 'Invalid access token for authorization.', match: { route: 'send' } });
    h.fake.inject({ kind: 'http5xx', status: 503, times: 3, match: { route: 'send' } });
    await h.app.sender.enqueue({ op: 'create', receiveIdType: 'open_id', receiveId: USERS[0]!, msgType: 'text', content: { text: '令牌失效后的提醒' }, dedupeKey: 'chaos:after-revoke' });
    await settleAll();
    issuedTokens.add(await currentTenantToken(h.fake));
    expect(h.fake.messagesTo(USERS[0]!).filter((m) => m.content.includes('令牌失效后的提醒'))).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.route === 'token').length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a forged signature and a stale timestamp are refused (401) and logged without secrets', async () => {
    const forged = await h.fake.deliverMessage({ from: USERS[1]!, chatType: 'p2p', text: 'help', signature: 'f'.repeat(64) });
    expect(forged.responses[0]!.status).toBe(401);
    const stale = String(Math.floor(h.clock.now().getTime() / 1000) - 3600);
    expect((await h.fake.deliverMessage({ from: USERS[1]!, chatType: 'p2p', text: 'help', timestamp: stale })).responses[0]!.status).toBe(401);
  });

  it('logged no app secret, encrypt key, verification token or tenant token (runs last)', async () => {
    issuedTokens.add(await currentTenantToken(h.fake));
    expect(capturedLogLines.length).toBeGreaterThan(50);
    // The error paths above did log: the check below reads real AxiosError lines, not an empty log.
    expect(capturedLogLines.some((l) => l.includes('"mod":"lark-sdk"') || l.includes('send deferred'))).toBe(true);
    const leaks = linesWithSecrets(capturedLogLines, [CREDS.appSecret, CREDS.encryptKey, CREDS.verificationToken, ...issuedTokens]);
    expect(leaks).toEqual([]);
  });
});
