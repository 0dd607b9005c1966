/** Waits for a condition instead of sleeping: polls `check` until it returns truthy or time runs out. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last ? ` (last error: ${(last as Error).message})` : '';
      throw new Error(`timed out waiting for ${options.message ?? 'condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 20));
  }
}

/** A countdown latch with a timeout: `count` calls to countDown() release wait(). */
export class Latch {
  private remaining: number;
  private release!: () => void;
  private readonly done: Promise<void>;

  constructor(count: number) {
    this.remaining = count;
    this.done = new Promise((resolve) => {
      this.release = resolve;
    });
    if (count <= 0) this.release();
  }

  countDown(): void {
    if (--this.remaining === 0) this.release();
  }

  get pending(): number {
    return Math.max(0, this.remaining);
  }

  async wait(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`latch still waits for ${this.remaining} after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A prefix no other test uses, for streams and subjects. */
export function uniquePrefix(base = 't'): string {
  return `${base}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 32);
}
