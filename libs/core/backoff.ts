/**
 * A wait that doubles each time it is taken, from `minMs` up to `maxMs`, and starts over at `minMs`
 * after `reset()` (work was found, a call went through). Polling loops and retries share it.
 */
export class Backoff {
  private nextMs: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.nextMs = minMs;
  }

  /** The wait to take now; the one after it is twice as long, up to maxMs. */
  next(): number {
    const ms = this.nextMs;
    this.nextMs = Math.min(ms * 2, this.maxMs);
    return ms;
  }

  reset(): void {
    this.nextMs = this.minMs;
  }
}
