import type * as wq from '@passerine/workqueue';

/** The commands the clock drives: expiry is the clock's job, not whoever asks next. */
export const tickCommands: wq.WorkQueueCommand[] = [
  { type: 'ExpireLeases' },
  { type: 'ExpireWorkers' } as wq.WorkQueueCommand,
  { type: 'ReleaseDelayedUnits' },
  { type: 'ExpireUnits' },
  { type: 'ApplyRetention' },
];

/** Longest wait between ticks even when nothing seems due (clock jumps). */
export const MAX_TICK_INTERVAL_MS = 1_000;
