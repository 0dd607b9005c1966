export type OutputStream = 'stdout' | 'stderr';

export interface ExecuteOptions {
  /** Called once per output line, without its line ending. */
  onOutput?: (line: string, stream: OutputStream) => void;
  /** Called with the output as it came, bytes and line endings as written (a process's). */
  onData?: (chunk: Uint8Array, stream: OutputStream) => void;
  /** Aborting stops the task (status `cancelled`). */
  signal?: AbortSignal;
}

export type ExecutionStatus = 'finished' | 'failed' | 'timeout' | 'cancelled';

export interface ExecutionResult {
  status: ExecutionStatus;
  exitCode: number | null;
  /** The signal that ended the process, if one did. */
  signal: string | null;
  /** Why it failed, in words; set whenever status is not `finished`. */
  error?: string;
  /** What a function task returned. */
  value?: unknown;
  /** What a function task returned, as msgpack (the warm function pool's tasks). */
  encodedValue?: Uint8Array;
  /** When the task's own code threw: the error's class name and stack. */
  errorName?: string;
  stack?: string;
  /** The task could not be set up at all (a module or export that is not there, a bad source). */
  setup?: boolean;
}

/** Runs one task to its end. Never throws for a task's own failure: that is a result. */
export interface Executor<Task> {
  execute(task: Task, options?: ExecuteOptions): Promise<ExecutionResult>;
}

/** How long a process group gets between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 2_000;

/** The answer for a task whose abort signal fired before it started: nothing was run. */
export function cancelledBeforeStart(): Promise<ExecutionResult> {
  return Promise.resolve({
    status: 'cancelled',
    exitCode: null,
    signal: null,
    error: 'cancelled before start',
  });
}
