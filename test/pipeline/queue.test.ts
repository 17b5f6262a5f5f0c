/** The per-chat queue: order per chat, a global bound, and handlers that hold back for acknowledgements by awaiting, never by polling. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AckGate, ChatQueue, MAX_YIELD_MS } from '../../src/pipeline/queue.ts';

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

afterEach(() => {
  vi.useRealTimers();
});

describe('AckGate', () => {
  it('lets a handler start as soon as the last acknowledgement in flight is answered', async () => {
    const gate = new AckGate();
    const q = new ChatQueue(() => undefined, 4, gate);
    gate.enter();
    gate.enter();
    let started = false;
    const done = q.run('chat', async () => {
      started = true;
    });
    await turns();
    expect(started).toBe(false);
    gate.leave();
    await turns();
    expect(started).toBe(false);
    gate.leave();
    await done;
    expect(started).toBe(true);
    expect(gate.inFlight).toBe(0);
  });

  it('holds a handler back at most MAX_YIELD_MS while acknowledgements keep coming', async () => {
    vi.useFakeTimers();
    const gate = new AckGate();
    const q = new ChatQueue(() => undefined, 4, gate);
    gate.enter();
    let started = false;
    const done = q.run('chat', async () => {
      started = true;
    });
    await vi.advanceTimersByTimeAsync(MAX_YIELD_MS - 1);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(started).toBe(true);
    expect(gate.inFlight).toBe(1);
  });

  it('waits without polling: a held gate costs no event-loop turns of its own', async () => {
    const gate = new AckGate();
    const q = new ChatQueue(() => undefined, 4, gate);
    gate.enter();
    const spy = vi.spyOn(globalThis, 'setImmediate');
    const done = q.run('chat', async () => 'ran');
    // The old queue re-checked with setImmediate on every turn; this one parks on one promise and one timer, so the
    // only setImmediate calls are the 20 turns this test takes itself.
    await turns(20);
    expect(spy).toHaveBeenCalledTimes(20);
    spy.mockRestore();
    gate.leave();
    expect(await done).toBe('ran');
  });

  it('ignores a leave without an enter', () => {
    const gate = new AckGate();
    gate.leave();
    expect(gate.inFlight).toBe(0);
  });
});

describe('ChatQueue', () => {
  it('runs one chat’s tasks in order, and other chats alongside', async () => {
    const q = new ChatQueue(() => undefined, 4);
    const log: string[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const a1 = q.run('a', async () => {
      await slow;
      log.push('a1');
    });
    const a2 = q.run('a', async () => void log.push('a2'));
    const b1 = q.run('b', async () => void log.push('b1'));
    await b1;
    expect(log).toEqual(['b1']);
    release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['b1', 'a1', 'a2']);
    await q.drained();
    expect(q.size).toBe(0);
  });

  it('bounds how many handlers run at once, except urgent ones', async () => {
    const q = new ChatQueue(() => undefined, 2);
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      new Promise<void>((r) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          r();
        });
      });
    const all = ['a', 'b', 'c', 'd'].map((k) => q.run(k, task));
    await turns();
    expect(running).toBe(2);
    const urgent = q.run('e', task, true);
    await turns();
    expect(running).toBe(3);
    while (releases.length) {
      releases.shift()!();
      await turns();
    }
    await Promise.all([...all, urgent]);
    expect(most).toBe(3);
  });

  it('reports a failed task and goes on with the chat', async () => {
    const errors: string[] = [];
    const q = new ChatQueue((err, key) => errors.push(`${key}: ${(err as Error).message}`), 4);
    await expect(q.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run('a', async () => 'next')).toBe('next');
    await q.drained();
    expect(errors).toEqual(['a: boom']);
  });
});
