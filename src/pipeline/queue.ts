/** Why: events of one chat are handled one at a time, in arrival order; different chats run in parallel. */

/** How long a handler about to start holds back for acknowledgements in flight. */
export const MAX_YIELD_MS = 250;

/**
 * Acknowledgements being worked on (a request whose body has arrived, until its answer is written). Feishu needs its
 * 200 within 3 s and a handler's answer can wait a little, so handlers about to start wait for the gate to clear, up to
 * MAX_YIELD_MS. Waiting is one promise and one timer per waiter: nothing polls.
 */
export class AckGate {
  private count = 0;
  private waiters = new Set<() => void>();

  get inFlight(): number {
    return this.count;
  }

  enter(): void {
    this.count++;
  }

  leave(): void {
    if (this.count === 0) return;
    if (--this.count > 0) return;
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Resolves once no acknowledgement is in flight, or after `maxMs`, whichever comes first. */
  clear(maxMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.add(done);
    });
  }
}

export class ChatQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private pending = 0;
  private drainWaiters: Array<() => void> = [];
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /**
   * `maxConcurrent` bounds how many handlers run at once across all chats, so a burst of events queues in memory
   * instead of flooding the database queue that every acknowledgement also waits on.
   */
  constructor(
    private readonly onError: (err: unknown, key: string) => void,
    private readonly maxConcurrent = 4,
    /** While acknowledgements are in flight, new handlers hold back (up to MAX_YIELD_MS) so acks go first. */
    private readonly acks: AckGate = new AckGate(),
  ) {}

  private async acquire(): Promise<void> {
    if (this.active >= this.maxConcurrent) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active++;
    await this.acks.clear(MAX_YIELD_MS);
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }

  /**
   * Runs `task` after every earlier task of `key`; resolves or rejects with the task's own result. `urgent` tasks
   * (card callbacks, which must answer within 3 s) keep their chat's order but skip the global bound.
   */
  run<T>(key: string, task: () => Promise<T>, urgent = false): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    this.pending++;
    const bounded = async (): Promise<T> => {
      if (urgent) return task();
      await this.acquire();
      try {
        return await task();
      } finally {
        this.release();
      }
    };
    const result = prev.then(bounded, bounded);
    const tail = result.then(
      () => undefined,
      (err) => this.onError(err, key),
    ).finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      if (--this.pending === 0) {
        const ws = this.drainWaiters;
        this.drainWaiters = [];
        for (const w of ws) w();
      }
    });
    this.tails.set(key, tail);
    return result;
  }

  /** Resolves when every queued task has finished. */
  drained(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.drainWaiters.push(r));
  }

  get size(): number {
    return this.pending;
  }
}
