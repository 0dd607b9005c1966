import type { CommandSpec, ReplyTo } from './job-spec.ts';
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
}
