/** Why: rate limits and injected faults decide a call's fate before it touches state, so failures never create messages. */
import type { ChaosConfig, FaultRule, FaultSpec, RouteName } from './types.ts';

/** Feishu's documented send/reply limits: 50/s and 1000/min per app; 5 QPS per chat and per user; 5 QPS per message patch. */
export const WINDOWS = {
  app_s: { limit: 50, ms: 1000 },
  app_min: { limit: 1000, ms: 60_000 },
  chat: { limit: 5, ms: 1000 },
  user: { limit: 5, ms: 1000 },
  message: { limit: 5, ms: 1000 },
  // Work surfaces (issue 16), per app: task v2 create/patch/delete 10/s (the task create doc's rate limit), Base record
  // and table writes 50/s (bitable app-table-record docs), urgent_app 50 QPS (its doc), drive permission members 10/s.
  task: { limit: 10, ms: 1000 },
  bitable: { limit: 50, ms: 1000 },
  urgent: { limit: 50, ms: 1000 },
  permission: { limit: 10, ms: 1000 },
} as const;
export type WindowName = keyof typeof WINDOWS;

export interface LimitHit {
  window: WindowName;
  key: string;
  limit: number;
  /** Seconds until the window frees a slot (at least 1), for `x-ogw-ratelimit-reset`. */
  resetSeconds: number;
}

/** Sliding windows per (window, key) over the injected clock; only admitted calls count. */
export class RateLimiter {
  rateLimited = 0;
  private readonly hits = new Map<string, number[]>();

  /** Admit the call into every window or into none; returns the first window that is full. */
  admit(keys: Array<{ window: WindowName; key: string }>, now: number): LimitHit | undefined {
    for (const { window, key } of keys) {
      const { limit, ms } = WINDOWS[window];
      const list = this.live(`${window}:${key}`, now, ms);
      if (list.length >= limit) {
        this.rateLimited++;
        const resetSeconds = Math.max(1, Math.ceil((list[0]! + ms - now) / 1000));
        return { window, key, limit, resetSeconds };
      }
    }
    for (const { window, key } of keys) this.live(`${window}:${key}`, now, WINDOWS[window].ms).push(now);
    return undefined;
  }

  reset(): void {
    this.hits.clear();
    this.rateLimited = 0;
  }

  private live(id: string, now: number, ms: number): number[] {
    const list = (this.hits.get(id) ?? []).filter((t) => t > now - ms);
    this.hits.set(id, list);
    return list;
  }
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHAOS_DEFAULT_KINDS: ChaosConfig['kinds'] = ['http429', 'code230020', 'http5xx', 'reset'];
const CHAOS_DEFAULT_ROUTES: RouteName[] = ['send', 'reply', 'patch'];

/** Queued fault rules (consumed in order) and the seeded chaos mode. */
export class Faults {
  private rules: Array<FaultRule & { left: number }> = [];
  private chaos?: { cfg: ChaosConfig; rand: () => number };
  /** How many chaos faults fired, by kind. */
  readonly chaosFired: Record<string, number> = {};

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  pending(): number {
    return this.rules.reduce((n, r) => n + r.left, 0);
  }

  setChaos(cfg: ChaosConfig | null): void {
    if (cfg && (cfg.rate < 0 || cfg.rate > 1)) throw new Error(`chaos rate must be within 0..1, got ${cfg.rate}`);
    this.chaos = cfg ? { cfg, rand: prng(cfg.seed) } : undefined;
  }

  /** The fault for this call, if any: the first matching queued rule, else a chaos draw. */
  take(call: { method: string; path: string; route: RouteName }): FaultRule | undefined {
    const idx = this.rules.findIndex((r) => matches(r, call));
    if (idx >= 0) {
      const rule = this.rules[idx]!;
      if (--rule.left <= 0) this.rules.splice(idx, 1);
      const { left: _left, ...fault } = rule;
      return fault;
    }
    return this.drawChaos(call.route);
  }

  private drawChaos(route: RouteName): FaultRule | undefined {
    if (!this.chaos) return undefined;
    const { cfg, rand } = this.chaos;
    if (!(cfg.routes ?? CHAOS_DEFAULT_ROUTES).includes(route)) return undefined;
    const roll = rand();
    const pick = rand();
    if (roll >= cfg.rate) return undefined;
    const kinds = cfg.kinds?.length ? cfg.kinds : CHAOS_DEFAULT_KINDS!;
    const chosen = kinds[Math.min(kinds.length - 1, Math.floor(pick * kinds.length))]!;
    const spec: FaultSpec = typeof chosen === 'string' ? defaultSpec(chosen) : chosen;
    this.chaosFired[spec.kind] = (this.chaosFired[spec.kind] ?? 0) + 1;
    return spec;
  }
}

function defaultSpec(kind: Exclude<FaultSpec['kind'], 'latency'>): FaultSpec {
  switch (kind) {
    case 'http429':
      return { kind, resetSeconds: 1 };
    case 'code':
      return { kind, code: 230020, msg: 'This operation triggers the frequency limit.' };
    case 'timeout':
      return { kind, ms: 10_000 };
    default:
      return { kind } as FaultSpec;
  }
}

function matches(rule: FaultRule, call: { method: string; path: string; route: RouteName }): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== call.method.toUpperCase()) return false;
  if (m.pathPrefix && !call.path.startsWith(m.pathPrefix)) return false;
  if (m.route && m.route !== call.route) return false;
  return true;
}
