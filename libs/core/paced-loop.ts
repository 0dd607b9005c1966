import { Backoff } from './backoff.ts';

/**
 * Runs `step` over and over: again at once while it finds work (returns > 0), otherwise after an
 * idle wait that doubles from `minIdleMs` up to `maxIdleMs`. `wake()` cuts a wait short (work may
 * have appeared), `nudge()` also starts the back-off over, and `stop()` ends the loop once the step
 * under way returns. `finished` settles when the loop ends, rejected with the error a step threw.
 */
export class PacedLoop {
  private readonly idle: Backoff;
  private wakeUp?: () => void;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly step: () => Promise<number>,
    minIdleMs: number,
    maxIdleMs: number,
  ) {
    this.idle = new Backoff(minIdleMs, maxIdleMs);
  }

  start(): void {
    this.running = this.run();
  }

  get finished(): Promise<void> {
    return this.running;
  }

  wake(): void {
    this.wakeUp?.();
  }

  nudge(): void {
    this.idle.reset();
    this.wakeUp?.();
  }

  /** Ends the loop; a step's error is left to `finished`. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if ((await this.step()) > 0) {
        this.idle.reset();
        continue;
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.idle.next());
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
