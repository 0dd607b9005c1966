import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Backoff } from './backoff.ts';
import { PacedLoop } from './paced-loop.ts';

describe('Backoff', () => {
  it('doubles up to its bound and starts over after a reset', () => {
    const backoff = new Backoff(10, 50);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      10, 20, 40, 50, 50,
    ]);
    backoff.reset();
    expect(backoff.next()).toBe(10);
  });
});

describe('PacedLoop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A step that finds `found[i]` things on its i-th call, then nothing. */
  function counting(found: number[]) {
    const step = { calls: 0, run: async () => found[step.calls++] ?? 0 };
    return step;
  }

  it('runs again at once while there is work, then waits longer each idle turn', async () => {
    const step = counting([2, 1]);
    const loop = new PacedLoop(step.run, 10, 40);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(step.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(10);
    expect(step.calls).toBe(4);
    await vi.advanceTimersByTimeAsync(19);
    expect(step.calls).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(step.calls).toBe(5);
    await loop.stop();
  });

  it('wake cuts a wait short; stop ends the loop without waiting out the idle time', async () => {
    const step = counting([]);
    const loop = new PacedLoop(step.run, 1_000, 1_000);
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(step.calls).toBe(1);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(step.calls).toBe(2);
    await loop.stop();
    await loop.finished;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(step.calls).toBe(2);
  });

  it('nudge starts the back-off over', async () => {
    const step = counting([]);
    const loop = new PacedLoop(step.run, 10, 1_000);
    loop.start();
    await vi.advanceTimersByTimeAsync(10 + 20 + 40);
    expect(step.calls).toBe(4);
    loop.nudge();
    await vi.advanceTimersByTimeAsync(0);
    expect(step.calls).toBe(5);
    await vi.advanceTimersByTimeAsync(10);
    expect(step.calls).toBe(6);
    await loop.stop();
  });

  it('a step that throws ends the loop: finished rejects with its error, stop still resolves', async () => {
    const loop = new PacedLoop(
      async () => {
        throw new Error('bad request');
      },
      10,
      10,
    );
    loop.start();
    await expect(loop.finished).rejects.toThrow('bad request');
    await expect(loop.stop()).resolves.toBeUndefined();
  });
});
