export interface DispatcherOptions {
  /** How often node monitors renew their adverts (ms): one silent three times as long is dead. */
  heartbeatMs: number;
  /** How often due cron ticks are looked for (ms). */
  tickMs: number;
  /** A tick this much older than now was missed (ms). */
  graceMs: number;
  /** The backlog bound as a multiple of the live slots. */
  backlogMultiple: number;
  /** A run dispatched but not handed to the scheduler this long is handed over by any dispatcher (ms). */
  sweepMs: number;
}

export const DISPATCHER_DEFAULTS: DispatcherOptions = {
  heartbeatMs: 1_000,
  tickMs: 250,
  graceMs: 60_000,
  backlogMultiple: 10,
  sweepMs: 5_000,
};
