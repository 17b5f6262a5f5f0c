/** Why: the Open API routes the bot calls, answering with the shapes and error codes real Feishu uses. */
// Codes (HTTP 400 unless noted), from Feishu's im/v1 message create/reply/patch, chat-members get and the 230001
// troubleshooting page: 230001 invalid parameter ("ext=invalid message_id", "ext=invalid receive_id"), 230002 bot not in
// the chat, 230020 frequency limit (per-message patch), 230025 content too long (text 150 KB, card/post 30 KB), 230027
// lack of permissions (patching a message the bot did not send: our pick from the patch doc's list), 230031 "Message can
// only be modified within 14 days" (msg text as seen in the wild), 230099 invalid card (see cards.ts), 232006 invalid
// chat_id, 232011 operator not in chat, 232001 invalid parameter (members). Gateway: HTTP 429 99991400 with
// x-ogw-ratelimit-limit/-reset. Auth: 99991661 missing token, 99991663 invalid or expired token (HTTP 400); token
// endpoint answers HTTP 200 with 10003 (bad app_id/params) or 10014 (app secret invalid). From memory, not re-checked:
// 41050 unknown user (contact), 234001/234006 file upload param/size.
import { describeCardFailure, validateCard } from './cards.ts';
import type { RateLimiter, WindowName } from './limits.ts';
import type { Answer, Multipart, Req } from './server.ts';
import { hex, safeParse, type FakeState, type StoredMessage } from './state.ts';
import type { RouteName } from './types.ts';
import type { WsGateway } from './ws.ts';

export interface OpenApiDeps {
  state: FakeState;
  /** The long connection's gateway: answers POST /callback/ws/endpoint. */
  ws: Pick<WsGateway, 'endpoint'>;
  limiter: RateLimiter;
  appId: string;
  appSecret: string;
  botOpenId: string;
  botName: string;
  enforceLimits(): boolean;
  validateCards(): boolean;
}

const ROUTES: Array<{ method: string; re: RegExp; route: RouteName; keys: string[] }> = [
  { method: 'POST', re: /^\/open-apis\/auth\/v3\/tenant_access_token\/internal\/?$/, route: 'token', keys: [] },
  { method: 'GET', re: /^\/open-apis\/bot\/v3\/info\/?$/, route: 'bot', keys: [] },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/messages\/?$/, route: 'send', keys: [] },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply\/?$/, route: 'reply', keys: ['message_id'] },
  { method: 'PATCH', re: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/?$/, route: 'patch', keys: ['message_id'] },
  { method: 'GET', re: /^\/open-apis\/im\/v1\/chats\/([^/]+)\/members\/?$/, route: 'members', keys: ['chat_id'] },
  { method: 'GET', re: /^\/open-apis\/contact\/v3\/users\/([^/]+)\/?$/, route: 'user', keys: ['user_id'] },
  { method: 'POST', re: /^\/open-apis\/im\/v1\/files\/?$/, route: 'files', keys: [] },
  { method: 'POST', re: /^\/open-apis\/interactive\/v1\/card\/update\/?$/, route: 'card_update', keys: [] },
  { method: 'POST', re: /^\/callback\/ws\/endpoint\/?$/, route: 'ws_endpoint', keys: [] },
];

export function resolveRoute(method: string, path: string): { route: RouteName; params: Record<string, string> } {
  for (const r of ROUTES) {
    const m = r.method === method ? r.re.exec(path) : null;
    if (m) return { route: r.route, params: Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)])) };
  }
  return { route: 'unknown', params: {} };
}

const ok = (data: unknown): Answer => ({ status: 200, body: { code: 0, msg: 'success', data } });
const err = (status: number, code: number, msg: string, note?: string): Answer => ({
  status, body: { code, msg, error: { log_id: hex(16).toUpperCase() } }, ...(note ? { note } : {}),
});
const bad = (code: number, msg: string) => err(400, code, msg);
const param = (ext: string) => bad(230001, `Your request contains an invalid request parameter, ext=${ext}.`);
const DAY_MS = 86_400_000;
const ID_TYPES = ['open_id', 'user_id', 'union_id', 'email', 'chat_id'];
const MSG_TYPES = ['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user'];

export function createOpenApi(d: OpenApiDeps): (req: Req) => Promise<Answer> {
  const { state } = d;

  const limited = (keys: Array<{ window: WindowName; key: string }>, perMessage = false): Answer | undefined => {
    if (!d.enforceLimits()) return undefined;
    const hit = d.limiter.admit(keys, state.now());
    if (!hit) return undefined;
    if (perMessage && hit.window === 'message') return { ...bad(230020, 'This operation triggers the frequency limit.'), note: 'rate-limit:message' };
    return {
      status: 429,
      body: { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-limit': String(hit.limit), 'x-ogw-ratelimit-reset': String(hit.resetSeconds) },
      note: `rate-limit:${hit.window}`,
    };
  };
  const appKeys = (): Array<{ window: WindowName; key: string }> => [
    { window: 'app_s', key: d.appId }, { window: 'app_min', key: d.appId },
  ];
  const targetKeys = (chatId: string) => {
    const chat = state.chats.get(chatId);
    const keys: Array<{ window: WindowName; key: string }> = [...appKeys(), { window: 'chat', key: chatId }];
    if (chat?.type === 'p2p' && chat.members[0]) keys.push({ window: 'user', key: chat.members[0] });
    return keys;
  };

  /** Validate content for msg_type; undefined when acceptable. */
  const checkContent = (msgType: string, content: string): Answer | undefined => {
    if (!MSG_TYPES.includes(msgType)) return param('invalid msg_type');
    const parsed = safeParse(content) as Record<string, unknown> | undefined;
    if (!parsed || typeof parsed !== 'object') return param('content is not a string in json format');
    const bytes = Buffer.byteLength(content);
    const max = msgType === 'text' ? 150 * 1024 : 30 * 1024;
    if (bytes > max) return bad(230025, `The length of the message content reaches its limit. (${bytes} > ${max} bytes)`);
    if (msgType === 'text' && typeof parsed.text !== 'string') return param('content.text is required');
    if (msgType === 'file' && !state.files.has(String(parsed.file_key))) return param('invalid file_key');
    if (msgType === 'interactive' && d.validateCards() && parsed.type !== 'template') {
      const check = validateCard(content);
      if (!check.ok) return bad(check.code, describeCardFailure(check));
    }
    return undefined;
  };

  const created = (s: StoredMessage) => ok(state.toApi(s));

  function token(body: Record<string, unknown>): Answer {
    if (typeof body.app_id !== 'string' || typeof body.app_secret !== 'string') {
      return { status: 200, body: { code: 10003, msg: 'invalid param: app_id and app_secret are required' } };
    }
    if (body.app_id !== d.appId) return { status: 200, body: { code: 10003, msg: 'invalid param: app_id not found' } };
    if (body.app_secret !== d.appSecret) return { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
    const { token: t, expire } = state.issueToken();
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: t, expire } };
  }

  function sendMessage(q: Record<string, string>, body: Record<string, unknown>): Answer {
    const idType = q.receive_id_type ?? '';
    if (!ID_TYPES.includes(idType)) return param('invalid receive_id_type');
    const { receive_id: rid, msg_type: msgType, content, uuid } = body;
    if (typeof rid !== 'string' || !rid) return param('receive_id is required');
    if (typeof msgType !== 'string' || typeof content !== 'string') return param('msg_type and content are required');
    if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > 50)) return param('uuid must be a string of at most 50 characters');
    let chatId: string;
    if (idType === 'chat_id') {
      const chat = state.chats.get(rid);
      if (!chat) return param('invalid receive_id');
      if (!chat.botMember) return bad(230002, 'The bot can not be outside the group.');
      chatId = chat.chatId;
    } else {
      const user = state.findUser(idType, rid);
      if (!user) return param('invalid receive_id');
      chatId = state.ensureP2p(user.openId).chatId;
    }
    const limit = limited(targetKeys(chatId));
    if (limit) return limit;
    const dup = uuid ? state.byUuid(uuid) : undefined;
    if (dup) return { ...created(dup), note: 'uuid-dedupe' };
    const invalid = checkContent(msgType, content);
    if (invalid) return invalid;
    return created(state.createBotMessage({ chatId, receiveId: rid, receiveIdType: idType, msgType, content, uuid: uuid as string | undefined }));
  }

  function reply(messageId: string, body: Record<string, unknown>): Answer {
    const parent = state.all.get(messageId);
    if (!parent) return param('invalid message_id');
    const { msg_type: msgType, content, uuid, reply_in_thread: inThread } = body;
    if (typeof msgType !== 'string' || typeof content !== 'string') return param('msg_type and content are required');
    if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > 50)) return param('uuid must be a string of at most 50 characters');
    const chat = state.chats.get(parent.chat_id);
    if (chat && !chat.botMember) return bad(230002, 'The bot can not be outside the group.');
    const limit = limited(targetKeys(parent.chat_id));
    if (limit) return limit;
    const dup = uuid ? state.byUuid(uuid) : undefined;
    if (dup) return { ...created(dup), note: 'uuid-dedupe' };
    const invalid = checkContent(msgType, content);
    if (invalid) return invalid;
    return created(state.createBotMessage({
      chatId: parent.chat_id, receiveId: parent.chat_id, receiveIdType: 'chat_id', msgType, content,
      uuid: uuid as string | undefined, parent, replyInThread: inThread === true,
    }));
  }

  function patch(messageId: string, body: Record<string, unknown>): Answer {
    const msg = state.all.get(messageId);
    if (!msg) return param('invalid message_id');
    if (typeof body.content !== 'string') return param('content is required');
    if (msg.sender.kind !== 'app') return bad(230027, 'Lack of necessary permissions. ext=only the sender of the card may update it');
    if (msg.msg_type !== 'interactive') return param('only interactive (card) messages can be patched');
    if (state.now() - msg.createTime > 14 * DAY_MS) {
      return bad(230031, 'Message has expired when updating message, ext=Message can only be updated within fourteen days.');
    }
    const limit = limited([...appKeys(), { window: 'message', key: messageId }], true);
    if (limit) return limit;
    const invalid = checkContent('interactive', body.content);
    if (invalid) return invalid;
    state.applyPatch(msg, body.content);
    return ok({});
  }

  /**
   * POST /open-apis/interactive/v1/card/update (延时更新消息卡片): the callback's token, valid 30 minutes, at most twice,
   * for the card that was clicked; only after the callback was answered (earlier, Feishu's page says, the update fails or
   * is reverted at once: the fake accepts it and reverts it, noted `reverted`). Feishu's page names no error codes; the
   * fake answers 300040 (token unknown or expired) and 300041 (token used twice already): our pick.
   */
  function cardUpdate(body: Record<string, unknown>): Answer {
    const { token, card } = body;
    if (typeof token !== 'string' || !token) return bad(9499, 'Bad Request: token is required');
    if (!card || typeof card !== 'object' || Array.isArray(card)) return bad(9499, 'Bad Request: card must be the card JSON object');
    const grant = state.cardTokens.get(token);
    if (!grant || state.now() - grant.issuedAt > 30 * 60_000) return bad(300040, 'the card token is invalid or has expired (tokens are valid for 30 minutes)');
    if (grant.uses >= 2) return bad(300041, 'the card token has been used twice already');
    const content = JSON.stringify(card);
    const invalid = checkContent('interactive', content);
    if (invalid) return invalid;
    grant.uses++;
    const msg = state.all.get(grant.messageId);
    if (grant.answeredAt === undefined) return { ...ok({}), note: 'reverted: updated before the callback was answered' };
    if (msg) state.applyPatch(msg, content);
    return { status: 200, body: { code: 0, msg: 'success' } };
  }

  function members(chatId: string, q: Record<string, string>): Answer {
    const chat = state.chats.get(chatId);
    if (!chat) return bad(232006, 'Your request specifies a chat_id which is invalid.');
    if (!chat.botMember) return bad(232011, 'Operator can NOT be out of the chat.');
    const idType = q.member_id_type ?? 'open_id';
    if (!['open_id', 'user_id', 'union_id'].includes(idType)) return bad(232001, 'Your request contains an invalid request parameter. ext=member_id_type');
    const size = q.page_size === undefined ? 20 : Number(q.page_size);
    if (!Number.isInteger(size) || size < 1 || size > 100) return bad(232001, 'Your request contains an invalid request parameter. ext=page_size');
    const start = q.page_token ? Number(Buffer.from(q.page_token, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0) return bad(232001, 'Your request contains an invalid request parameter. ext=page_token');
    const all = chat.members.map((id) => state.ensureUser(id));
    const page = all.slice(start, start + size);
    const hasMore = start + size < all.length;
    return ok({
      items: page.map((u) => ({
        member_id_type: idType,
        member_id: idType === 'open_id' ? u.openId : idType === 'user_id' ? u.userId : u.unionId,
        name: u.name,
        tenant_key: state.tenantKey,
      })),
      ...(hasMore ? { page_token: Buffer.from(String(start + size)).toString('base64') } : {}),
      has_more: hasMore,
      member_total: all.length,
    });
  }

  function user(userId: string, q: Record<string, string>): Answer {
    const u = state.findUser(q.user_id_type ?? 'open_id', userId);
    if (!u) return bad(41050, 'no user authority error');
    return ok({
      user: {
        open_id: u.openId, user_id: u.userId, union_id: u.unionId, name: u.name, en_name: u.enName ?? u.name,
        ...(u.email ? { email: u.email } : {}),
        status: { is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false },
      },
    });
  }

  function files(body: unknown): Answer {
    const mp = body as Multipart | undefined;
    const type = mp?.fields?.file_type;
    const name = mp?.fields?.file_name;
    const file = mp?.files?.file;
    if (!type || !['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'].includes(type)) return bad(234001, 'Invalid request param. ext=file_type');
    if (!name) return bad(234001, 'Invalid request param. ext=file_name');
    if (!file || file.size === 0) return bad(234001, 'Invalid request param. ext=file is empty');
    if (file.size > 30 * 1024 * 1024) return bad(234006, 'The file size exceed the max value.');
    const key = `file_v3_${hex(12)}`;
    state.files.set(key, { name, type, size: file.size });
    return ok({ file_key: key });
  }

  return async (req) => {
    if (req.route === 'unknown') return { status: 404, body: { code: 404, msg: '404 page not found' } };
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.route === 'token') return token(body);
    // The long connection authenticates with the app's credentials in the body, not a tenant token.
    if (req.route === 'ws_endpoint') return { status: 200, body: d.ws.endpoint(body) };
    const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!auth) return bad(99991661, 'Missing access token for authorization. Please make a request with token attached.');
    if (state.tokenState(auth) !== 'ok') return bad(99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    switch (req.route) {
      // GET /open-apis/bot/v3/info answers at the top level, like the token endpoint (no `data` wrapper).
      case 'bot': return { status: 200, body: { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: d.botName, avatar_url: '', ip_white_list: [], open_id: d.botOpenId } } };
      case 'send': return sendMessage(req.query, body);
      case 'reply': return reply(req.params.message_id!, body);
      case 'patch': return patch(req.params.message_id!, body);
      case 'members': return members(req.params.chat_id!, req.query);
      case 'user': return user(req.params.user_id!, req.query);
      case 'files': return files(req.body);
      case 'card_update': return cardUpdate(body);
    }
  };
}
