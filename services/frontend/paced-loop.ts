/**
 * Runs `step` over and over: again at once while it finds work (returns > 0), otherwise after a
 * wait that doubles from `minIdleMs` up to `maxIdleMs`. `nudge()` cuts a wait short (work may have
 * appeared), `stop()` ends the loop once the step under way returns.
 */
export class PacedLoop {
  private idleMs: number;
  private wake?: () => void;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly step: () => Promise<number>,
    private readonly minIdleMs: number,
    private readonly maxIdleMs: number,
  ) {
    this.idleMs = minIdleMs;
  }

  start(): void {
    this.running = this.run();
  }

  nudge(): void {
    this.idleMs = this.minIdleMs;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if ((await this.step()) > 0) {
        this.idleMs = this.minIdleMs;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.idleMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      this.idleMs = Math.min(this.idleMs * 2, this.maxIdleMs);
    }
  }
}
