/** Why: the over-HTTP share of the hostile inputs (forged @all, malformed callbacks and payloads), and the checks on what the bot sent back. */
import { decryptPayload, encryptPayload, signPayload } from '../../src/sandbox/fake/index.ts';
import { buildFeatures } from '../../src/features.ts';
import { CREDS, type Harness } from '../helpers/harness.ts';
import { startCapture, type Rng } from './helpers.ts';
import { hostileCardValue, hostileText, INJECTION_MARKERS } from './hostile-inputs.ts';

/** Strings a card renders as markdown: `markdown` elements and `lark_md` texts (plain_text shows characters as they are). */
function markdownStrings(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) markdownStrings(x, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ((o.tag === 'markdown' || o.tag === 'lark_md') && typeof o.content === 'string') out.push(o.content);
    for (const v of Object.values(o)) markdownStrings(v, out);
  }
  return out;
}

/** What is wrong with a card the bot sent: a raw mention tag or an injected markdown construct from the input. */
export function cardProblems(card: unknown): string[] {
  const parsed = typeof card === 'string' ? (JSON.parse(card) as unknown) : card;
  const problems: string[] = [];
  for (const s of markdownStrings(parsed)) {
    if (/<\s*at\b/i.test(s)) problems.push(`raw <at> in card markdown: ${JSON.stringify(s.slice(0, 120))}`);
    for (const m of INJECTION_MARKERS) if (s.includes(m)) problems.push(`injected ${JSON.stringify(m)} unescaped in card markdown: ${JSON.stringify(s.slice(0, 120))}`);
  }
  return problems;
}

/** Text messages render `<at user_id=…>` tags, so none may come from user input. */
export function textProblems(content: unknown): string[] {
  const text = (typeof content === 'string' ? (JSON.parse(content) as { text?: unknown }) : (content as { text?: unknown }))?.text;
  return typeof text === 'string' && /<\s*at\b/i.test(text) ? [`raw <at> in a text message: ${JSON.stringify(text.slice(0, 120))}`] : [];
}

function signed(h: Harness, event: unknown): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ encrypt: encryptPayload(CREDS.encryptKey, JSON.stringify(event)) });
  const ts = String(Math.floor(h.clock.now().getTime() / 1000));
  const nonce = `n${Math.random().toString(36).slice(2)}`;
  return { body, headers: { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': signPayload(ts, nonce, CREDS.encryptKey, body) } };
}

const header = (eventId: unknown, eventType: unknown) => ({ event_id: eventId, event_type: eventType, create_time: '0', token: CREDS.verificationToken, app_id: CREDS.appId, tenant_key: 't' });

/** Well-signed payloads of broken shapes: the bot must answer each (any status) and stay up. */
function malformed(rng: Rng, i: number): unknown {
  const id = `ev_malformed_${i}`;
  const msg = (message: unknown) => ({ schema: '2.0', header: header(id, 'im.message.receive_v1'), event: { sender: { sender_id: { open_id: 'ou_m' }, sender_type: 'user' }, message } });
  const cardEv = (event: unknown) => ({ schema: '2.0', header: header(id, 'card.action.trigger'), event });
  const shapes: unknown[] = [
    cardEv({}),
    cardEv(null),
    cardEv({ operator: { open_id: 123 }, action: { value: 'x' } }),
    cardEv({ operator: { open_id: 'ou_m' }, action: 'button' }),
    cardEv({ operator: { open_id: 'ou_m' }, action: { value: [1, 2, 3] }, context: 'x' }),
    cardEv({ operator: { open_id: 'ou_m' }, action: { value: { a: { toString: 1 } }, form_value: 'x', option: 5 } }),
    msg({ chat_id: 5, message_id: null }),
    msg({ chat_id: 'oc_m', message_id: `om_m_${i}`, chat_type: 'p2p', message_type: 'text', content: '{"text":' }),
    msg({ chat_id: 'oc_m', message_id: `om_m_${i}`, chat_type: 'p2p', message_type: 'text', content: '{"text":{"a":1}}', mentions: 'all' }),
    msg({ chat_id: 'oc_m', message_id: `om_m_${i}`, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text: hostileText(rng) }), mentions: [{ key: 5 }, null, { key: '@_all', id: 'x' }] }),
    { schema: '2.0', header: header('', 'im.message.receive_v1'), event: {} },
    { schema: '2.0', header: header('x'.repeat(129), 'im.message.receive_v1'), event: {} },
    { schema: '2.0', header: header(42, 'im.message.receive_v1'), event: {} },
    { schema: '2.0', header: header(id, ''), event: {} },
    { schema: '2.0', header: header(id, 'im.chat.disbanded_v1'), event: { chat_id: 'oc_m' } },
    { schema: '1.0', event: { type: 'message' } },
    [],
    'string',
  ];
  return shapes[i % shapes.length];
}

/** Sends `n` hostile requests through the fake and returns every problem found (empty when all is well). */
export async function sendHostileOverHttp(h: Harness, rng: Rng, n: number, ids: { sec: string; plain: string; group: string }): Promise<Array<{ input: string; problem: string }>> {
  const failures: Array<{ input: string; problem: string }> = [];
  const features = buildFeatures(h.app.deps);
  const triggers = features.commands.flatMap((c) => c.triggers);
  const actions = features.cardActions.map((a) => a.action);
  const expectReply: string[] = [];
  const cap = await startCapture();
  const botEndpoint = `${h.botUrl}/lark/events`;
  // After a long stretch without requests, let idle keep-alive sockets close before the first delivery reuses one.
  await new Promise((r) => setTimeout(r, 200));
  try {
    for (let i = 0; i < n; i++) {
      const from = rng.pick([ids.sec, ids.plain, `ou_http_${i % 7}`]);
      const group = rng.chance(0.3);
      const text = rng.chance(0.5) ? `${rng.pick(triggers)} ${hostileText(rng)}` : hostileText(rng);
      const kind = rng.int(0, 19);
      if (kind < 10) {
        const d = await h.fake.deliverMessage({
          from, chatType: group ? 'group' : 'p2p', chatId: group ? ids.group : undefined, mentionBot: group, text,
          mentions: rng.chance(0.3) ? [{ openId: 'ou_victim', name: hostileText(rng).slice(0, 40) }] : undefined,
        });
        if (d.responses[0]!.status !== 200) failures.push({ input: `http #${i} message`, problem: `status ${d.responses[0]!.status}` });
        else expectReply.push(d.messageId);
      } else if (kind < 13) {
        // A forged @all: the event carries Feishu's `@_all` mention key (and the bot's, so it is not gated away).
        h.fake.setBotEndpoint(cap.url);
        const d = await h.fake.deliverMessage({ from, chatType: 'group', chatId: ids.group, mentionBot: true, text: `@_all <at user_id="all">所有人</at> ${text}` });
        h.fake.setBotEndpoint(botEndpoint);
        const taken = cap.taken.pop()!;
        const ev = JSON.parse(decryptPayload(CREDS.encryptKey, (JSON.parse(taken.body) as { encrypt: string }).encrypt)) as { event: { message: { mentions: unknown[] } } };
        ev.event.message.mentions.push({ key: '@_all', id: { union_id: '', user_id: '', open_id: '' }, name: '所有人', tenant_key: 't' });
        const s = signed(h, ev);
        const res = await h.fake.deliverRaw(s.body, s.headers);
        if (res.status !== 200) failures.push({ input: `http #${i} forged @all`, problem: `status ${res.status}` });
        else expectReply.push(d.messageId);
      } else if (kind < 17) {
        const cards = h.fake.messages.filter((m) => m.msg_type === 'interactive');
        const target = cards.length && rng.chance(0.8) ? rng.pick(cards).message_id : `om_nowhere_${i}`;
        const r = await h.fake.deliverCardAction({ operator: from, value: hostileCardValue(rng, actions, ['op', 'id', 'c', 'r', 'k', 'v']), messageId: target, chatId: group ? ids.group : undefined });
        const body = r.body as { toast?: unknown; card?: { data?: unknown } } | undefined;
        if (r.status !== 200) failures.push({ input: `http #${i} card`, problem: `status ${r.status}` });
        else if (!body?.toast && !body?.card) failures.push({ input: `http #${i} card`, problem: `no toast or card: ${JSON.stringify(body)}` });
        if (r.cardError) failures.push({ input: `http #${i} card`, problem: `answered with an invalid card: ${JSON.stringify(r.cardError).slice(0, 200)}` });
        if (body?.card?.data) for (const p of cardProblems(body.card.data)) failures.push({ input: `http #${i} card answer`, problem: p });
      } else {
        const s = signed(h, malformed(rng, i));
        try {
          const res = await h.fake.deliverRaw(s.body, s.headers);
          if (res.status === 0) failures.push({ input: `http #${i} malformed`, problem: 'no answer' });
        } catch (err) {
          failures.push({ input: `http #${i} malformed`, problem: `connection failed: ${(err as Error).message}` });
        }
      }
    }
  } finally {
    h.fake.setBotEndpoint(botEndpoint);
    await cap.close();
  }
  await h.app.settle();
  for (const id of expectReply) if (!h.fake.messages.some((m) => m.replyTo === id)) failures.push({ input: `http message ${id}`, problem: 'no reply' });
  for (const m of h.fake.messages) {
    const problems = m.msg_type === 'interactive' ? [m.originalContent, ...m.patches].flatMap((c) => cardProblems(c)) : m.msg_type === 'text' ? textProblems(m.content) : [];
    for (const p of problems) failures.push({ input: `sent ${m.message_id}`, problem: p });
  }
  // Replies to the malformed events' made-up message ids fail at Feishu (230001): that is the input's fault, not the bot's.
  const failed = (await h.prisma.outboxMessage.findMany({ where: { status: 'failed' } })).filter((r) => !r.replyToId?.startsWith('om_m_'));
  for (const row of failed) failures.push({ input: `outbox ${row.id} (${row.op})`, problem: `failed: ${row.lastError}` });
  return failures;
}
