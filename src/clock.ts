/** Why: every time-dependent rule takes an injected clock, so tests and the sandbox can move time without sleeping. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: used by tests, the sandbox's clock control and simulations. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string | number = '2026-01-05T01:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(to: Date | string | number): void {
    this.t = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}
