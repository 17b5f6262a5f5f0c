/** Why: in-app urgent (加急) and read receipts as Feishu answers them, so escalation is tested against "has this person read it?". */
// urgent_app (PATCH im/v1/messages/:message_id/urgent_app?user_id_type=…, body {user_id_list}): only the bot's own
// messages (230012), never batch messages bm_… (230001), the bot must be in the chat (230002), users outside the chat come
// back in invalid_user_id_list and all invalid is 230001, a person may hold at most 200 unread urgent messages (230023);
// 50 QPS. read_users (GET …/read_users?user_id_type=…&page_size=1..100&page_token): only the bot's own messages sent in
// the last 7 days, the bot still in the chat; it lists readers only, {items:[{user_id_type,user_id,timestamp,tenant_key}],
// has_more, page_token}. The code for a message older than 7 days is not documented; we answer 230001 naming the reason,
// and for someone else's message 230012 as urgent_app does.
import type { FakeChat } from './types.ts';
import type { StoredMessage } from './state.ts';
import { fail, limit, ok, type Handler, type SurfaceDeps } from './surface-http.ts';
import type { SurfaceRouteName } from './types.ts';

const ID_TYPES = ['open_id', 'user_id', 'union_id'];
const WEEK_MS = 7 * 86_400_000;
const param = (ext: string) => fail(400, 230001, `Your request contains an invalid request parameter, ext=${ext}.`);

export function imExtraRoutes(d: SurfaceDeps): Partial<Record<SurfaceRouteName, Handler>> {
  const { state, surfaces } = d;

  /** The message and its chat, or the error answer: unknown, batch, not the bot's, or the bot no longer in the chat. */
  const own = (messageId: string | undefined): { msg: StoredMessage; chat: FakeChat | undefined } | { error: ReturnType<typeof fail> } => {
    if (!messageId || messageId.startsWith('bm_')) return { error: param('invalid message_id (batch messages are not supported)') };
    const msg = state.all.get(messageId);
    if (!msg) return { error: param('invalid message_id') };
    if (msg.sender.kind !== 'app') return { error: fail(400, 230012, 'Bot is NOT the sender of the message.') };
    const chat = state.chats.get(msg.chat_id);
    if (chat && !chat.botMember) return { error: fail(400, 230002, 'The bot can not be outside the group.') };
    return { msg, chat };
  };

  /** The open_id an id names, when that person is in the chat. */
  const inChat = (chat: FakeChat | undefined, idType: string, id: string): string | undefined => {
    const u = state.findUser(idType, id);
    return u && chat?.members.includes(u.openId) ? u.openId : undefined;
  };

  const urgent: Handler = (req, body) => {
    const idType = req.query.user_id_type;
    if (!idType || !ID_TYPES.includes(idType)) return param('user_id_type is required: open_id, union_id or user_id');
    const over = limit(d, 'urgent');
    if (over) return over;
    const found = own(req.params.message_id);
    if ('error' in found) return found.error;
    const list = body.user_id_list;
    if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) return param('user_id_list must be a non-empty list of ids');
    const valid: string[] = [];
    const invalid: string[] = [];
    for (const id of list as string[]) {
      const openId = inChat(found.chat, idType, id);
      if (openId) valid.push(openId);
      else invalid.push(id);
    }
    if (!valid.length) return param('no user in user_id_list is in the chat of the message');
    const full = valid.find((o) => surfaces.unreadUrgents(o) >= 200);
    if (full) return fail(400, 230023, 'The user has too many unread urgent messages.');
    for (const openId of valid) surfaces.urgents.push({ messageId: found.msg.message_id, openId, at: new Date(state.now()) });
    return ok({ invalid_user_id_list: invalid });
  };

  const readUsers: Handler = (req) => {
    const idType = req.query.user_id_type;
    if (!idType || !ID_TYPES.includes(idType)) return param('user_id_type is required: open_id, union_id or user_id');
    const size = req.query.page_size === undefined ? 20 : Number(req.query.page_size);
    if (!Number.isInteger(size) || size < 1 || size > 100) return param('page_size must be 1 to 100');
    const start = req.query.page_token ? Number(Buffer.from(req.query.page_token, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0) return param('invalid page_token');
    const found = own(req.params.message_id);
    if ('error' in found) return found.error;
    if (state.now() - found.msg.createTime > WEEK_MS) return param('only messages sent in the last 7 days can be queried');
    const readers = [...(surfaces.reads.get(found.msg.message_id) ?? new Map<string, number>())];
    const page = readers.slice(start, start + size);
    const more = start + size < readers.length;
    return ok({
      items: page.map(([openId, at]) => {
        const u = state.ensureUser(openId);
        return { user_id_type: idType, user_id: idType === 'open_id' ? u.openId : idType === 'user_id' ? u.userId : u.unionId, timestamp: String(at), tenant_key: state.tenantKey };
      }),
      has_more: more,
      ...(more ? { page_token: Buffer.from(String(start + size)).toString('base64') } : {}),
    });
  };

  return { urgent_app: urgent, read_users: readUsers };
}
