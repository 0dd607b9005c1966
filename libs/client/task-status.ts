/**
 * Satyr's task states: staging (waiting in the client to be submitted or placed), starting
 * (submitted, waiting for a node), running, and the ends — finished, failed (its code threw or it
 * exited non-zero), killed (cancelled), lost (the infrastructure lost it with its retries used up),
 * error (it could not be set up on the node).
 */
export type TaskState =
  | 'staging'
  | 'starting'
  | 'running'
  | 'finished'
  | 'failed'
  | 'killed'
  | 'lost'
  | 'error';

export const ENDED_STATES: ReadonlySet<TaskState> = new Set([
  'finished',
  'failed',
  'killed',
  'lost',
  'error',
]);

/** What an `onUpdate` hook hears, each time a task changes state. */
export interface TaskStatus {
  /** `jobId/taskId`: the task as the scheduler knows it. */
  id: string;
  jobId: string;
  taskId: string;
  /** Position of the item in its map (0 for a single submit). */
  index: number;
  state: TaskState;
  nodeId?: string;
  attemptId?: string;
  /** Why it failed, for the failed states. */
  error?: string;
}

export type UpdateHook = (status: TaskStatus) => void;
