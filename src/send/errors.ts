/** Why: one place that decides, from an SDK result or error, whether a send succeeded, must wait, may retry, or failed for good. */

export type SendOutcome =
  | { kind: 'ok'; messageId?: string }
  | { kind: 'rate_limited'; resetMs: number; scope: 'app' | 'chat'; reason: string }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; reason: string };

/** Feishu codes that mean "slow down" rather than "wrong request" (1254290: a Base's TooManyRequest). */
const RATE_CODES = new Set([99991400, 230020, 1254290]);
/**
 * Codes that a retry can cure: a missing or invalid tenant token (the SDK fetches a new one), and internal errors; for
 * Bases a write conflict (1254291), data not ready yet (1254607) and a timeout (1255040); for tasks a concurrent call with
 * the same client_token (1470422) and an internal error (1470500).
 */
const TRANSIENT_CODES = new Set([99991661, 99991663, 99991668, 2200, 1254291, 1254607, 1255040, 1470422, 1470500]);

function resetFrom(headers: Record<string, unknown> | undefined): number {
  const raw = headers?.['x-ogw-ratelimit-reset'];
  const secs = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(secs) && secs >= 0 ? Math.min(secs, 3600) * 1000 : 1000;
}

/** Classifies a resolved SDK response: HTTP 200 can still carry code != 0. */
export function classifyResponse(res: unknown): SendOutcome {
  const r = res as { code?: number; msg?: string; data?: { message_id?: string } } | undefined;
  if (r && r.code === 0) return { kind: 'ok', messageId: r.data?.message_id };
  const code = r?.code;
  const reason = `code ${String(code)}: ${r?.msg ?? 'no message'}`;
  if (code !== undefined && RATE_CODES.has(code)) return { kind: 'rate_limited', resetMs: 1000, scope: code === 230020 ? 'chat' : 'app', reason };
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { kind: 'transient', reason };
  return { kind: 'permanent', reason };
}

/** Classifies a thrown error (an AxiosError for non-2xx answers, or a network failure/timeout). */
export function classifyError(err: unknown): SendOutcome {
  const e = err as { response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, unknown> }; code?: string; message?: string };
  const status = e?.response?.status;
  const code = e?.response?.data?.code;
  const msg = e?.response?.data?.msg ?? e?.message ?? 'unknown error';
  if (status === 429 || (code !== undefined && RATE_CODES.has(code))) {
    return {
      kind: 'rate_limited',
      resetMs: resetFrom(e.response?.headers),
      scope: code === 230020 ? 'chat' : 'app',
      reason: `HTTP ${String(status)} code ${String(code)}: ${msg}`,
    };
  }
  if (status === undefined) return { kind: 'transient', reason: `network: ${e?.code ?? ''} ${msg}`.trim() };
  if (status >= 500 || status === 408) return { kind: 'transient', reason: `HTTP ${status}: ${msg}` };
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { kind: 'transient', reason: `HTTP ${status} code ${code}: ${msg}` };
  return { kind: 'permanent', reason: `HTTP ${status} code ${String(code)}: ${msg}` };
}
