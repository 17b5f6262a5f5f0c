/** Why: the work-surface routes (tasks, urgent, read receipts, Bases) in their own files, joined to the fake with one resolver and one dispatcher. */
import type { Answer, Req } from './server.ts';
import { fail, type Handler, type SurfaceDeps } from './surface-http.ts';
import type { AnyRouteName, RouteName, SurfaceRouteName } from './types.ts';
import { taskRoutes } from './tasks.ts';
import { imExtraRoutes } from './urgent.ts';
import { bitableRoutes } from './bitable.ts';

export interface RouteDef {
  method: string;
  re: RegExp;
  route: SurfaceRouteName;
  keys: string[];
}

const ROUTES: RouteDef[] = [
  { method: 'POST', re: /^\/open-apis\/task\/v2\/tasks\/?$/, route: 'task_create', keys: [] },
  { method: 'GET', re: /^\/open-apis\/task\/v2\/tasks\/([^/]+)\/?$/, route: 'task_get', keys: ['task_guid'] },
  { method: 'PATCH', re: /^\/open-apis\/task\/v2\/tasks\/([^/]+)\/?$/, route: 'task_patch', keys: ['task_guid'] },
  { method: 'DELETE', re: /^\/open-apis\/task\/v2\/tasks\/([^/]+)\/?$/, route: 'task_delete', keys: ['task_guid'] },
  { method: 'PATCH', re: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_app\/?$/, route: 'urgent_app', keys: ['message_id'] },
  { method: 'GET', re: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/read_users\/?$/, route: 'read_users', keys: ['message_id'] },
  { method: 'POST', re: /^\/open-apis\/bitable\/v1\/apps\/?$/, route: 'base_create', keys: [] },
  { method: 'POST', re: /^\/open-apis\/bitable\/v1\/apps\/([^/]+)\/tables\/?$/, route: 'table_create', keys: ['app_token'] },
  { method: 'GET', re: /^\/open-apis\/bitable\/v1\/apps\/([^/]+)\/tables\/?$/, route: 'table_list', keys: ['app_token'] },
  { method: 'DELETE', re: /^\/open-apis\/bitable\/v1\/apps\/([^/]+)\/tables\/([^/]+)\/?$/, route: 'table_delete', keys: ['app_token', 'table_id'] },
  { method: 'POST', re: /^\/open-apis\/bitable\/v1\/apps\/([^/]+)\/tables\/([^/]+)\/records\/batch_create\/?$/, route: 'records_create', keys: ['app_token', 'table_id'] },
  { method: 'POST', re: /^\/open-apis\/bitable\/v1\/apps\/([^/]+)\/tables\/([^/]+)\/records\/batch_update\/?$/, route: 'records_update', keys: ['app_token', 'table_id'] },
  { method: 'POST', re: /^\/open-apis\/drive\/v1\/permissions\/([^/]+)\/members\/?$/, route: 'permission_member', keys: ['token'] },
];

/**
 * The surface route a call is for, or null (then the core routes in openapi.ts decide). Typed as a core RouteName for
 * the server's request record: only createSurfaceApi ever sees these names, so the core dispatcher's switch stays whole.
 */
export function resolveSurfaceRoute(method: string, path: string): { route: RouteName; params: Record<string, string> } | null {
  for (const r of ROUTES) {
    const m = r.method === method ? r.re.exec(path) : null;
    if (m) return { route: r.route as unknown as RouteName, params: Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)])) };
  }
  return null;
}

export function isSurfaceRoute(route: AnyRouteName): route is SurfaceRouteName {
  return ROUTES.some((r) => r.route === route);
}

/** Checks the tenant token the way openapi.ts does (99991661 missing, 99991663 invalid or expired), then runs the route. */
export function createSurfaceApi(d: SurfaceDeps): (req: Req) => Promise<Answer> {
  const handlers: Partial<Record<SurfaceRouteName, Handler>> = { ...taskRoutes(d), ...imExtraRoutes(d), ...bitableRoutes(d) };
  return async (req) => {
    const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!auth) return fail(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
    if (d.state.tokenState(auth) !== 'ok') return fail(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    const name = req.route as AnyRouteName;
    const h = isSurfaceRoute(name) ? handlers[name] : undefined;
    if (!h) return { status: 404, body: { code: 404, msg: '404 page not found' } };
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    return h(req, body);
  };
}
