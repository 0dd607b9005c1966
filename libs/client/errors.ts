import { PasserineError } from '@passerine/core';
import type { TaskState } from './task-status.ts';

/**
 * A task that ended without a result: its own code threw or exited non-zero (`failed`), it could
 * not be set up on the node (`error`: an unknown module or export, no container engine), it was
 * cancelled (`killed`), or the infrastructure lost it with its retries used up (`lost`).
 */
export class TaskError extends PasserineError {
  constructor(
    message: string,
    readonly state: Exclude<TaskState, 'staging' | 'starting' | 'running' | 'finished'>,
    readonly info: {
      taskId?: string;
      nodeId?: string;
      /** The class name of the error the task's code threw, and its stack on the node. */
      remoteName?: string;
      remoteStack?: string;
      /** A command's exit code and what it wrote (each bounded; `truncated` when cut). */
      exitCode?: number | null;
      stdout?: string;
      stderr?: string;
      timedOut?: boolean;
    } = {},
  ) {
    super('illegal_state', message, { state, ...info });
    if (info.remoteStack)
      this.stack = `${this.name}: ${message}\n    on node ${info.nodeId}: ${info.remoteStack}`;
  }
}

/** The connection to NATS dropped while the task was in hand: its outcome cannot arrive. */
export class ConnectionLostError extends PasserineError {
  constructor(
    message = 'the connection to NATS was lost while the task was in hand; its outcome cannot arrive',
  ) {
    super('unavailable', message);
  }
}
