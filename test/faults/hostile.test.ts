/** Why: 10,000 hostile inputs through every command, dialog and card action: no crash, no unhandled rejection, an answer to each, nothing echoed raw. */
// Commands and card actions are enumerated from buildFeatures(deps), so new features are covered without editing this
// file. Most inputs call the router directly (fast: the outbox write is captured in memory and role look-ups are
// cached); a few hundred go the whole way over HTTP through the fake, whose card validator checks what comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogLines, createHarness, CREDS, type Harness } from '../helpers/harness.ts';
import { buildFeatures } from '../../src/features.ts';
import type { InboundCardAction, InboundMessage, Mention } from '../../src/pipeline/events.ts';
import type { Outbound } from '../../src/send/sender.ts';
import { MAX_CARD_BYTES, MessageTooLargeError } from '../../src/send/sender.ts';
import { validateCard } from '../../src/sandbox/fake/index.ts';
import { linesWithSecrets, seeded, type Rng } from './helpers.ts';
import { hostileCardValue, hostileText, INJECTION_MARKERS } from './hostile-inputs.ts';
import { escapeMd } from '../../src/cards/markdown.ts';
import { cardProblems, textProblems, sendHostileOverHttp } from './hostile-http.ts';

const TOTAL = 10_000;
const OVER_HTTP = 300;
const SEC = 'ou_hostile_sec';
const PLAIN = 'ou_hostile_plain';

let h: Harness;
const rejections: unknown[] = [];
const onRejection = (r: unknown) => rejections.push(r);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  h = await createHarness({ secretariat: [SEC] });
  h.fake.addChat({ chatId: 'oc_hostile_group', name: '北京地区群', type: 'group', members: [SEC, PLAIN] });
  for (const text of ['/region add 北京', '/bank add 工商银行']) await h.fake.deliverMessage({ from: SEC, chatType: 'p2p', text });
  await h.fake.deliverMessage({ from: SEC, chatType: 'group', chatId: 'oc_hostile_group', mentionBot: true, text: '/chat bind 北京' });
  await h.fake.deliverMessage({ from: SEC, chatType: 'p2p', text: '/campaign open 恶意输入测试评选' });
  await h.app.settle();
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await h?.close();
});

/** Field names the card actions' schemas declare (zod objects expose `.shape`), plus ones cards commonly use. */
function knownKeys(values: unknown[]): string[] {
  const keys = new Set(['op', 'id', 'c', 'r', 'k', 'v', 'q', 'step', 'item', 'page']);
  for (const v of values) for (const k of Object.keys((v as { shape?: Record<string, unknown> }).shape ?? {})) keys.add(k);
  keys.delete('a');
  return [...keys];
}

function mentionsFor(rng: Rng): Mention[] {
  switch (rng.int(0, 4)) {
    case 0:
      return [{ key: '@_all', name: '所有人' }];
    case 1:
      return [{ key: '@_user_1', openId: 'all', name: '所有人' }, { key: '@_all' }];
    case 2:
      return [{ key: '@_user_1', openId: h.fake.botOpenId, name: 'Bot' }, { key: '@_user_2', openId: 'ou_victim', name: '<at user_id="all"></at>' }];
    default:
      return [];
  }
}

interface Failure {
  input: string;
  problem: string;
}

describe('hostile inputs', () => {
  it(`${TOTAL - OVER_HTTP} inputs straight into the router: each answered, none thrown, no raw echo`, async () => {
    const rng = seeded(0x5eed);
    const features = buildFeatures(h.app.deps);
    const triggers = features.commands.flatMap((c) => c.triggers);
    const actions = features.cardActions.map((a) => a.action);
    const keys = knownKeys(features.cardActions.map((a) => a.value));
    expect(triggers.length).toBeGreaterThan(10);
    expect(actions.length).toBeGreaterThan(0);

    // Capture the outbox writes in memory (with the real size check) and cache role look-ups, so 10,000 inputs run fast.
    const sender = h.app.sender;
    const captured: Outbound[] = [];
    let nextId = 1_000_000;
    const enqueue = async (m: Outbound) => {
      const bytes = Buffer.byteLength(JSON.stringify(m.content));
      if (m.msgType === 'interactive' && bytes > MAX_CARD_BYTES) throw new MessageTooLargeError(bytes);
      captured.push(m);
      return { id: nextId++, uuid: `u${nextId}`, duplicate: false };
    };
    const roles = h.app.deps.services.roles;
    const cache = new Map<string, ReturnType<typeof roles.grantsOf>>();
    const grantsOf = roles.grantsOf.bind(roles);
    Object.assign(sender, { enqueue, delivered: async () => 'om_captured' });
    Object.assign(roles, {
      grantsOf: (id: string) => cache.get(id) ?? (cache.set(id, grantsOf(id)), cache.get(id)!),
      grant: async (...a: Parameters<typeof roles.grant>) => (cache.clear(), Object.getPrototypeOf(roles).grant.apply(roles, a)),
      revoke: async (...a: Parameters<typeof roles.revoke>) => (cache.clear(), Object.getPrototypeOf(roles).revoke.apply(roles, a)),
    });

    const failures: Failure[] = [];
    const users = [SEC, PLAIN, ...Array.from({ length: 20 }, (_, i) => `ou_hostile_${i}`)];
    try {
      for (let i = 0; i < TOTAL - OVER_HTTP; i++) {
        const user = rng.chance(0.4) ? SEC : rng.pick(users);
        const group = rng.chance(0.25);
        const chatId = group ? 'oc_hostile_group' : `oc_p2p_${user}`;
        const before = captured.length;
        const label = `#${i}`;
        try {
          if (rng.chance(0.75)) {
            const trig = rng.pick(triggers);
            const text = rng.pick([`${trig} ${hostileText(rng)}`, hostileText(rng), trig, `${hostileText(rng)} ${trig}`, `${trig} ${hostileText(rng)} ${hostileText(rng)}`]);
            const msg: InboundMessage = {
              kind: 'message', eventId: `ev_hostile_${i}`, messageId: `om_hostile_${i}`, chatId, chatType: group ? 'group' : 'p2p', senderOpenId: user, senderType: 'user',
              messageType: rng.chance(0.95) ? 'text' : rng.pick(['image', 'post', 'file', 'sticker', '', 'interactive']), text, mentions: mentionsFor(rng), mentionedBot: true,
            };
            await h.app.router.handleMessage(msg);
            const answers = captured.slice(before).filter((m) => (m.op === 'reply' && m.replyToId === msg.messageId) || (m.op === 'create' && (m.receiveId === user || m.receiveId === chatId)));
            if (!answers.length) failures.push({ input: `${label} message ${JSON.stringify(text.slice(0, 80))}`, problem: 'no answer' });
          } else {
            const action: InboundCardAction = {
              kind: 'card', eventId: `ev_hostile_${i}`, operatorOpenId: user, value: hostileCardValue(rng, actions, keys),
              formValue: rng.chance(0.3) ? { [hostileText(rng).slice(0, 10)]: hostileText(rng) } : undefined,
              option: rng.chance(0.2) ? hostileText(rng) : undefined, inputValue: rng.chance(0.2) ? hostileText(rng) : undefined,
              tag: rng.pick(['button', 'select_static', 'input', 'form', undefined]), messageId: rng.chance(0.8) ? `om_card_${i}` : undefined, chatId: group ? chatId : undefined,
            };
            const res = await h.app.router.handleCardAction(action);
            const sent = captured.slice(before).some((m) => m.op !== 'patch');
            if (!res?.toast && !res?.card && !sent) failures.push({ input: `${label} card ${JSON.stringify(action.value).slice(0, 120)}`, problem: 'no toast, card or message' });
            if (res?.card) for (const p of cardProblems(res.card.data)) failures.push({ input: `${label} card answer`, problem: p });
          }
        } catch (err) {
          failures.push({ input: label, problem: `threw ${(err as Error)?.name}: ${String((err as Error)?.message ?? err).slice(0, 200)}` });
        }
        for (const m of captured.slice(before)) {
          const problems = m.msgType === 'interactive' ? cardProblems(m.content) : m.msgType === 'text' ? textProblems(m.content) : [];
          for (const p of problems) failures.push({ input: `${label} outbound ${m.op}`, problem: p });
          if (m.msgType === 'interactive') {
            const check = validateCard(m.content);
            if (!check.ok) failures.push({ input: `${label} outbound card`, problem: `invalid card JSON 2.0: ${JSON.stringify(check).slice(0, 200)}` });
          }
        }
        if (failures.length > 50) break;
      }
    } finally {
      delete (sender as unknown as Record<string, unknown>).enqueue;
      delete (sender as unknown as Record<string, unknown>).delivered;
      for (const k of ['grantsOf', 'grant', 'revoke']) delete (roles as unknown as Record<string, unknown>)[k];
    }
    expect(failures.slice(0, 15)).toEqual([]);
    expect(captured.length).toBeGreaterThan((TOTAL - OVER_HTTP) / 2);
    // The check above is not vacuous: injected markdown did come back in the bot's cards, escaped.
    const escaped = INJECTION_MARKERS.map((m) => escapeMd(m));
    expect(captured.filter((m) => m.msgType === 'interactive' && escaped.some((e) => JSON.stringify(m.content).includes(JSON.stringify(e).slice(1, -1)))).length).toBeGreaterThan(10);
  }, 120_000);

  it(`${OVER_HTTP} inputs over HTTP through the fake (forged @all, malformed callbacks): acknowledged, answered, escaped`, async () => {
    const failures = await sendHostileOverHttp(h, seeded(0xfa17), OVER_HTTP, { sec: SEC, plain: PLAIN, group: 'oc_hostile_group' });
    expect(failures.slice(0, 15)).toEqual([]);
    const health = await fetch(`${h.botUrl}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);

  it('left no unhandled rejection and logged no secret (runs last)', () => {
    expect(rejections.map(String)).toEqual([]);
    expect(linesWithSecrets(capturedLogLines, [CREDS.appSecret, CREDS.encryptKey, CREDS.verificationToken])).toEqual([]);
  });
});
