import type { CommandSpec } from './job-spec.ts';
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
}
