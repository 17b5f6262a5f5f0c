/** Why: task v2 create, get, patch and delete as Feishu validates them, so the bot's tasks are checked without a tenant. */
// From the task v2 docs (create, patch, delete, add_members): summary required, ≤ 3000 chars; description ≤ 3000;
// due/start/completed_at are millisecond timestamps as strings; members ≤ 50 after de-duplication, role assignee |
// follower, type user | app (default user); client_token 10–100 chars, a repeat answers with the task it first made
// (concurrent use of one token is 1470422); origin.href.url starts with http(s) or applink, ≤ 1024 chars (1470436 in the
// v1 error list); patch needs update_fields; a completed task cannot be completed again; a deleted or unknown task is
// HTTP 404 1470404. Parameter errors are HTTP 400 1470400 with the reason in msg.
import type { Answer } from './server.ts';
import type { FakeTask } from './surface-state.ts';
import { chars, digits, fail, isStr, limit, ok, type Handler, type SurfaceDeps } from './surface-http.ts';
import type { SurfaceRouteName } from './types.ts';

const ID_TYPES = ['open_id', 'user_id', 'union_id'];
const PATCHABLE = ['summary', 'description', 'due', 'start', 'completed_at', 'extra', 'custom_complete', 'repeat_rule', 'mode', 'is_milestone', 'custom_fields'];
const bad = (msg: string) => fail(400, 1470400, msg);
const notFound = () => fail(404, 1470404, 'task not found or deleted');

function view(t: FakeTask, appId: string) {
  return {
    guid: t.guid, task_id: t.task_id, summary: t.summary, description: t.description, ...(t.due ? { due: t.due } : {}),
    completed_at: t.completed_at, status: t.completed_at === '0' ? 'todo' : 'done', members: t.members,
    creator: { id: appId, type: 'app', role: 'creator' }, ...(t.origin ? { origin: t.origin } : {}), ...(t.extra !== undefined ? { extra: t.extra } : {}),
    url: t.url, source: 6, mode: 2, is_milestone: false, subtask_count: 0, created_at: t.created_at, updated_at: t.updated_at,
  };
}

/** Validates the fields create and patch share; returns the error answer, if any. */
function checkFields(task: Record<string, unknown>, creating: boolean): Answer | undefined {
  if (creating || 'summary' in task) {
    if (!isStr(task.summary) || !task.summary.trim()) return bad('summary is required and must not be empty');
    if (chars(task.summary) > 3000) return bad(`summary exceeds 3000 characters (${chars(task.summary)})`);
  }
  if (task.description !== undefined && (!isStr(task.description) || chars(task.description) > 3000)) return bad('description must be a string of at most 3000 characters');
  for (const k of ['due', 'start'] as const) {
    const t = task[k] as { timestamp?: unknown; is_all_day?: unknown } | undefined;
    if (t === undefined) continue;
    if (typeof t !== 'object' || t === null || !digits(t.timestamp)) return bad(`${k}.timestamp must be a millisecond timestamp written as a string`);
    if (t.is_all_day !== undefined && typeof t.is_all_day !== 'boolean') return bad(`${k}.is_all_day must be a boolean`);
  }
  if (task.completed_at !== undefined && !digits(task.completed_at)) return bad('completed_at must be a millisecond timestamp written as a string ("0" = not completed)');
  if (task.extra !== undefined && (!isStr(task.extra) || task.extra.length > 65536)) return bad('extra must be a string of at most 65536 characters');
  return undefined;
}

function checkOrigin(origin: unknown): Answer | undefined {
  if (origin === undefined) return undefined;
  if (typeof origin !== 'object' || origin === null) return bad('origin must be an object');
  const o = origin as { platform_i18n_name?: Record<string, unknown>; href?: { url?: unknown; title?: unknown } };
  for (const [lang, v] of Object.entries(o.platform_i18n_name ?? {})) if (!isStr(v) || chars(v) > 1000) return bad(`origin.platform_i18n_name.${lang} must be text of at most 1000 characters`);
  const url = o.href?.url;
  if (url !== undefined) {
    if (!isStr(url) || url.length > 1024) return bad('origin.href.url must be at most 1024 characters');
    if (url && !/^(https?:\/\/|applink)/i.test(url)) return fail(400, 1470436, 'failed to parse url of origin, should start with http, https or applink');
  }
  if (o.href?.title !== undefined && (!isStr(o.href.title) || chars(o.href.title) > 512)) return bad('origin.href.title must be at most 512 characters');
  return undefined;
}

export function taskRoutes(d: SurfaceDeps): Partial<Record<SurfaceRouteName, Handler>> {
  const s = d.surfaces;
  const live = (guid: string | undefined) => {
    const t = guid ? s.tasks.get(guid) : undefined;
    return t && !t.deleted ? t : undefined;
  };
  const idType = (q: Record<string, string>) => q.user_id_type ?? 'open_id';

  const create: Handler = (req, body) => {
    if (!ID_TYPES.includes(idType(req.query))) return bad('user_id_type must be open_id, user_id or union_id');
    const over = limit(d, 'task');
    if (over) return over;
    const token = body.client_token;
    if (token !== undefined && (!isStr(token) || token.length < 10 || token.length > 100)) return bad('client_token must be 10 to 100 characters');
    if (isStr(token) && s.tokens.has(`task:${token}`)) return { ...ok({ task: view(s.tasks.get(s.tokens.get(`task:${token}`) as string)!, d.appId) }), note: 'client-token-dedupe' };
    const invalid = checkFields(body, true) ?? checkOrigin(body.origin);
    if (invalid) return invalid;
    const members = body.members ?? [];
    if (!Array.isArray(members)) return bad('members must be a list');
    const seen = new Map<string, { id: string; type: string; role: string }>();
    for (const [i, m] of members.entries()) {
      const mm = m as { id?: unknown; type?: unknown; role?: unknown };
      if (!isStr(mm.id) || !mm.id || mm.id.length > 100) return bad(`members[${i}].id is required (at most 100 characters)`);
      if (mm.role !== 'assignee' && mm.role !== 'follower') return bad(`members[${i}].role must be assignee or follower`);
      const type = mm.type ?? 'user';
      if (type !== 'user' && type !== 'app') return bad(`members[${i}].type must be user or app`);
      if (type === 'user' && !d.state.findUser(idType(req.query), mm.id)) return bad(`members[${i}].id ${mm.id} is not a valid ${idType(req.query)}`);
      seen.set(`${mm.id}:${mm.role}`, { id: mm.id, type, role: mm.role });
    }
    if (seen.size > 50) return bad('at most 50 members per request');
    const t = s.newTask({
      summary: body.summary as string, description: (body.description as string | undefined) ?? '',
      due: body.due ? { timestamp: (body.due as { timestamp: string }).timestamp, is_all_day: (body.due as { is_all_day?: boolean }).is_all_day ?? false } : undefined,
      completed_at: (body.completed_at as string | undefined) ?? '0', members: [...seen.values()],
      origin: body.origin as FakeTask['origin'], extra: body.extra as string | undefined, clientToken: token as string | undefined,
    });
    if (isStr(token)) s.tokens.set(`task:${token}`, t.guid);
    return ok({ task: view(t, d.appId) });
  };

  const get: Handler = (req) => {
    const t = live(req.params.task_guid);
    return t ? ok({ task: view(t, d.appId) }) : notFound();
  };

  const patch: Handler = (req, body) => {
    const over = limit(d, 'task');
    if (over) return over;
    const t = live(req.params.task_guid);
    if (!t) return notFound();
    const fields = body.update_fields;
    if (!Array.isArray(fields) || fields.length === 0) return bad('update_fields is required: list the fields to change');
    const unknown = fields.find((f) => !PATCHABLE.includes(String(f)));
    if (unknown !== undefined) return bad(`update_fields: ${String(unknown)} cannot be updated here (members, reminders and tasklists have their own APIs)`);
    const task = (body.task ?? {}) as Record<string, unknown>;
    if (typeof task !== 'object') return bad('task must be an object');
    const picked = Object.fromEntries(fields.map((f) => [f, task[f as string]]).filter(([, v]) => v !== undefined));
    const invalid = checkFields(picked, false);
    if (invalid) return invalid;
    if (fields.includes('summary') && picked.summary === undefined) return bad('summary cannot be cleared');
    if (fields.includes('completed_at')) {
      const to = (picked.completed_at as string | undefined) ?? '0';
      if (to !== '0' && t.completed_at !== '0') return bad('the task is already completed; it cannot be completed again (set completed_at to "0" to reopen it)');
      t.completed_at = to;
    }
    if (fields.includes('description')) t.description = (picked.description as string | undefined) ?? '';
    if (fields.includes('summary')) t.summary = picked.summary as string;
    if (fields.includes('due')) t.due = picked.due ? { timestamp: (picked.due as { timestamp: string }).timestamp, is_all_day: (picked.due as { is_all_day?: boolean }).is_all_day ?? false } : undefined;
    if (fields.includes('extra')) t.extra = picked.extra as string | undefined;
    t.updated_at = String(s.now());
    t.history.push(`patch:${fields.join(',')}`);
    return ok({ task: view(t, d.appId) });
  };

  const del: Handler = (req) => {
    const over = limit(d, 'task');
    if (over) return over;
    const t = live(req.params.task_guid);
    if (!t) return notFound();
    t.deleted = true;
    t.history.push('delete');
    return ok({});
  };

  return { task_create: create, task_get: get, task_patch: patch, task_delete: del };
}
