/** Why: what every work-surface route of the fake shares: its dependencies, answer shapes, rate windows and small validators. */
import type { RateLimiter, WindowName } from './limits.ts';
import type { Answer, Req } from './server.ts';
import { hex, type FakeState } from './state.ts';
import type { SurfaceState } from './surface-state.ts';

export interface SurfaceDeps {
  state: FakeState;
  surfaces: SurfaceState;
  limiter: RateLimiter;
  appId: string;
  botOpenId: string;
  enforceLimits(): boolean;
}

export type Handler = (req: Req, body: Record<string, unknown>) => Answer;

export const ok = (data: unknown): Answer => ({ status: 200, body: { code: 0, msg: 'success', data } });
export const fail = (status: number, code: number, msg: string): Answer => ({ status, body: { code, msg, error: { log_id: hex(16).toUpperCase() } } });

/** A sliding-window check against one of the fake's windows, per app; a 429 like the gateway's when it is full. */
export function limit(d: SurfaceDeps, window: WindowName): Answer | undefined {
  if (!d.enforceLimits()) return undefined;
  const hit = d.limiter.admit([{ window, key: d.appId }], d.state.now());
  if (!hit) return undefined;
  return {
    status: 429,
    body: { code: 99991400, msg: 'request trigger frequency limit' },
    headers: { 'x-ogw-ratelimit-limit': String(hit.limit), 'x-ogw-ratelimit-reset': String(hit.resetSeconds) },
    note: `rate-limit:${hit.window}`,
  };
}

// Small shared validators (each answer names the offending field, as Feishu's `msg` does).
export const isStr = (v: unknown): v is string => typeof v === 'string';
export const chars = (s: string): number => Array.from(s).length;
export const digits = (v: unknown): boolean => typeof v === 'string' && /^\d{1,20}$/.test(v);
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
