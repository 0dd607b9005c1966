import type { CommandSpec, ReplyTo, TaskUnit } from './job-spec.ts';
import type { Resources } from './resources.ts';

/** The task to launch now: what a node monitor runs for one attempt of it. */
export interface LaunchSpec {
  jobId: string;
  taskId: string;
  attemptId: string;
  user: string;
  payload?: Uint8Array;
  command?: CommandSpec;
  resources: Resources;
  /** The job's reply subject: the node monitor sends this attempt's outcome there. */
  reply?: ReplyTo;
  /** The work unit it runs, whose key its output is filed under. */
  unit?: TaskUnit;
  /** The key budget hold the frontend took for this attempt; the node keeps it alive while it runs. */
  hold?: KeyHoldRef;
}

/** One hold on a key's budget (libs/key-limits): the key, and the hold's id there. */
export interface KeyHoldRef {
  key: string;
  holdId: string;
}
