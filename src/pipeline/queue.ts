/** Why: events of one chat are handled one at a time, in arrival order; different chats run in parallel. */

export class ChatQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private pending = 0;
  private drainWaiters: Array<() => void> = [];

  constructor(private readonly onError: (err: unknown, key: string) => void) {}

  /** Runs `task` after every earlier task of `key`; resolves or rejects with the task's own result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    this.pending++;
    const result = prev.then(task, task);
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
