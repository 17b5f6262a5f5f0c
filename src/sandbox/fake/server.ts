/** Why: plain node:http gives the fake full control of sockets (held answers, resets) that faults need; routes stay elsewhere. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log.ts';
import type { Faults } from './limits.ts';
import { hex, type FakeState } from './state.ts';
import type { FaultRule, RouteName } from './types.ts';

export interface Req {
  method: string;
  path: string;
  route: RouteName;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Why the answer is what it is, when a limit shaped it (recorded as `fault`). */
  note?: string;
}

export interface ServerDeps {
  state: FakeState;
  faults: Faults;
  resolve(method: string, path: string): { route: RouteName; params: Record<string, string> };
  dispatch(req: Req): Promise<Answer>;
  latencyMs(): number;
  maxBodyBytes: number;
  logger?: Logger;
}

export interface Multipart {
  fields: Record<string, string>;
  files: Record<string, { filename: string; contentType?: string; size: number }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Start the Open API server; resolves once it listens. */
export async function startServer(deps: ServerDeps, host: string, port: number): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const held = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    handle(deps, held, req, res).catch((e: unknown) => {
      deps.logger?.error({ err: e }, 'fake feishu: handler crashed');
      if (!res.headersSent) send(res, 500, { code: 1500, msg: `fake internal error: ${(e as Error).message}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  return {
    server,
    url,
    close: async () => {
      for (const t of held) clearTimeout(t);
      held.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handle(deps: ServerDeps, held: Set<NodeJS.Timeout>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state, faults } = deps;
  const u = new URL(req.url ?? '/', 'http://fake');
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req, deps.maxBodyBytes);
  const query = Object.fromEntries(u.searchParams.entries());
  const { route, params } = deps.resolve(method, u.pathname);
  const call = { method, path: u.pathname, route, query, body: redactBody(parseBody(req, raw)), at: state.clock.now() };
  const record = (status: number, response: unknown, fault?: string): void => {
    state.calls.push({ ...call, status, response: redactResponse(response), ...(fault ? { fault } : {}) });
  };

  if (raw === 'too-large') {
    send(res, 413, { code: 413, msg: `request body exceeds ${deps.maxBodyBytes} bytes` });
    return record(413, null, 'body-too-large');
  }
  const latency = deps.latencyMs();
  if (latency > 0) await sleep(latency);
  let fault = faults.take({ method, path: u.pathname, route });
  if (fault?.kind === 'latency') {
    await sleep(fault.ms);
    fault = undefined;
  }
  if (fault && !fault.afterCommit) return applyFault(fault, res, held, record);

  let answer: Answer;
  const parsed = parseBody(req, raw);
  if (parsed === INVALID_JSON) {
    answer = { status: 400, body: { code: 9499, msg: 'Bad Request: the body is not valid JSON' } };
  } else {
    answer = await deps.dispatch({ method, path: u.pathname, route, params, query, headers: req.headers, body: parsed });
  }
  if (fault) return applyFault(fault, res, held, record, 'after-commit');
  send(res, answer.status, answer.body, answer.headers);
  record(answer.status, answer.body, answer.note);
}

function applyFault(
  f: FaultRule,
  res: ServerResponse,
  held: Set<NodeJS.Timeout>,
  record: (status: number, response: unknown, fault?: string) => void,
  phase = '',
): void {
  const tag = `${f.kind}${phase ? `:${phase}` : ''}`;
  switch (f.kind) {
    case 'http429': {
      const body = { code: 99991400, msg: 'request trigger frequency limit' };
      const reset = String(f.resetSeconds ?? 1);
      send(res, 429, body, { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': reset });
      return record(429, body, tag);
    }
    case 'code230020': {
      const body = { code: 230020, msg: 'This operation triggers the frequency limit.' };
      send(res, 400, body);
      return record(400, body, tag);
    }
    case 'http5xx': {
      const status = f.status ?? 500;
      const body = { code: 1500, msg: 'internal error' };
      send(res, status, body);
      return record(status, body, tag);
    }
    case 'code': {
      const status = f.status ?? 200;
      const body = { code: f.code, msg: f.msg ?? 'injected error' };
      send(res, status, body);
      return record(status, body, tag);
    }
    case 'timeout': {
      record(0, null, tag);
      const t = setTimeout(() => {
        held.delete(t);
        res.socket?.destroy();
      }, f.ms ?? 120_000);
      held.add(t);
      return;
    }
    case 'reset':
    default:
      record(0, null, tag);
      res.socket?.destroy();
  }
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-tt-logid': hex(16),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) over = true;
    else chunks.push(chunk as Buffer);
  }
  return over ? 'too-large' : Buffer.concat(chunks);
}

const INVALID_JSON = Symbol('invalid-json');
const parsedCache = new WeakMap<Buffer, unknown>();

function parseBody(req: IncomingMessage, raw: Buffer | 'too-large'): unknown {
  if (raw === 'too-large' || raw.length === 0) return undefined;
  const cached = parsedCache.get(raw);
  if (cached !== undefined) return cached;
  const type = req.headers['content-type'] ?? '';
  let out: unknown;
  if (type.startsWith('multipart/form-data')) out = parseMultipart(raw, type);
  else {
    try {
      out = JSON.parse(raw.toString('utf8'));
    } catch {
      out = INVALID_JSON;
    }
  }
  parsedCache.set(raw, out);
  return out;
}

/** A minimal multipart/form-data reader: text fields kept, files reduced to name, type and size. */
export function parseMultipart(raw: Buffer, contentType: string): Multipart {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const out: Multipart = { fields: {}, files: {} };
  if (!m) return out;
  const delim = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = raw.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delim, start);
    if (next < 0) break;
    const part = raw.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next one
    const sep = part.indexOf('\r\n\r\n');
    if (sep >= 0) {
      const head = part.subarray(0, sep).toString('utf8');
      const data = part.subarray(sep + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      const ctype = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      // A part is a file when it has a filename or a non-text content type (form-data sends Buffers without a filename).
      const isFile = filename !== undefined || (ctype !== undefined && !/^text\/plain/i.test(ctype));
      if (name !== undefined && isFile) out.files[name] = { filename: filename ?? '', contentType: ctype, size: data.length };
      else if (name !== undefined) out.fields[name] = data.toString('utf8');
    }
    pos = next;
  }
  return out;
}

function redactBody(body: unknown): unknown {
  if (body === INVALID_JSON) return '[invalid json]';
  if (body && typeof body === 'object' && 'app_secret' in body) return { ...body, app_secret: '[redacted]' };
  // The long connection's endpoint call carries the secret as AppSecret.
  if (body && typeof body === 'object' && 'AppSecret' in body) return { ...body, AppSecret: '[redacted]' };
  return body;
}

function redactResponse(body: unknown): unknown {
  if (body && typeof body === 'object' && 'tenant_access_token' in body) return { ...body, tenant_access_token: '[redacted]' };
  return body;
}
