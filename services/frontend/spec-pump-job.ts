import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode } from '@passerine/core';
import type { OutputLine } from '@passerine/node-monitor';
import type { JobState, JobStatus, TaskStatus } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import type { JobResult } from './job-result.ts';
import type { ExecutableSpec } from './executable-specs.ts';
import { OUTPUT_LINE_PREFIX, readOutputLine, STDERR_TAIL_LINES, tracebackOf } from './spec-pump-output.ts';
import { type StartedUnit, withOutput, withTraceback } from './unit-task.ts';

/** One pumped unit: the attempt the store gave, the task that runs it, what its output said. */
export interface PumpedUnit {
  started: StartedUnit;
  taskId: string;
  /** The store no longer holds this attempt for the pump (expired, or the unit was deleted). */
  lost: boolean;
  settled: boolean;
  outputAttempt?: string;
  outputLine?: string;
  stderrTail: string[];
}

/** A task as the job's state or its final result tells it. */
export interface TaskView {
  status: TaskStatus;
  exitCode?: number | null;
  error?: string;
}

export type Verdict =
  | { kind: 'finish'; data: Uint8Array | undefined }
  /** `final`: no retry whatever max_retries says (the unit cannot run, or its job was cancelled). */
  | { kind: 'fail'; data: Uint8Array; traceback: string; final?: boolean };

/** A job of pumped units: one get_work batch of one spec, placed as one job of one task per unit. */
export class PumpedJob {
  readonly units = new Map<string, PumpedUnit>();
  /** Tasks seen running, and since when (this frontend's clock): their slot may not be advertised yet. */
  readonly runningSince = new Map<string, { nodeId: string; since: number }>();
  /** Set from the job's watch subject once it ended. */
  ended?: { status: JobStatus; reason?: string; tasks: Map<string, TaskView> };

  constructor(
    readonly id: string,
    readonly spec: ExecutableSpec,
  ) {}

  private subs: Subscription[] = [];

  /**
   * Follows the job's output lines (outputs, tracebacks) and its end. Subscribed before the job is
   * submitted, and on the connection that serves taskEnded: a task's lines arrive before its end.
   */
  follow(nc: NatsConnection, names: Names, onEnded: () => void): void {
    this.subs = [
      nc.subscribe(names.jobLogs(this.id), {
        callback: (_err, msg) => this.heard(decode<OutputLine>(msg.data)),
      }),
      nc.subscribe(names.jobWatch(this.id), {
        max: 1,
        callback: (_err, msg) => {
          const result = decode<JobResult>(msg.data);
          this.ended = {
            status: result.status,
            ...(result.reason !== undefined && { reason: result.reason }),
            tasks: new Map(result.tasks.map((task) => [task.id, task])),
          };
          onEnded();
        },
      }),
    ];
  }

  unfollow(): void {
    for (const sub of this.subs) sub.unsubscribe();
    this.subs = [];
  }

  /** Notes the tasks seen running for the first time; returns how many are not launched yet. */
  observe(state: JobState | undefined, now: number): number {
    let unlaunched = 0;
    for (const unit of this.open()) {
      const task = state?.tasks.get(unit.taskId);
      if (!task || task.status === 'pending') unlaunched++;
      else if (task.status === 'running' && task.nodeId && !this.runningSince.has(unit.taskId))
        this.runningSince.set(unit.taskId, { nodeId: task.nodeId, since: now });
    }
    return unlaunched;
  }

  add(started: StartedUnit): PumpedUnit {
    const unit: PumpedUnit = {
      started,
      taskId: `u${this.units.size}`,
      lost: false,
      settled: false,
      stderrTail: [],
    };
    this.units.set(unit.taskId, unit);
    return unit;
  }

  open(): PumpedUnit[] {
    return [...this.units.values()].filter((unit) => !unit.settled);
  }

  /** An output line of one of its tasks: the output line and the stderr tail are kept per attempt. */
  heard(line: OutputLine): void {
    const unit = this.units.get(line.taskId);
    if (!unit) return;
    if (unit.outputAttempt !== line.attemptId) {
      unit.outputAttempt = line.attemptId;
      unit.outputLine = undefined;
      unit.stderrTail = [];
    }
    if (line.stream === 'stdout' && line.line.startsWith(OUTPUT_LINE_PREFIX)) unit.outputLine = line.line;
    if (line.stream === 'stderr') {
      unit.stderrTail.push(line.line);
      if (unit.stderrTail.length > STDERR_TAIL_LINES) unit.stderrTail.shift();
    }
  }
}

/**
 * What the store should hear about a unit whose task is in this state: finished (with its output),
 * failed (with why), or nothing yet. A unit whose job was cancelled fails for good.
 */
export function verdictOf(
  unit: PumpedUnit,
  task: TaskView | undefined,
  job: { status: JobStatus; reason?: string },
): Verdict | undefined {
  const data = unit.started.work_unit_data;
  const fail = (traceback: string, final = false): Verdict => ({
    kind: 'fail',
    data: withTraceback(data, traceback),
    traceback,
    final,
  });
  if (task?.status === 'finished') {
    if (unit.outputLine === undefined) return { kind: 'finish', data: undefined };
    const read = readOutputLine(unit.outputLine);
    if ('error' in read) return fail(`the command exited 0 but its output was refused: ${read.error}`);
    return { kind: 'finish', data: withOutput(data, read.output) };
  }
  if (task?.status === 'failed') return fail(tracebackOf(task, unit.stderrTail));
  if (job.status === 'cancelled' || task?.status === 'cancelled') {
    return fail(`its task was cancelled (${job.reason ?? 'job cancelled'})`, true);
  }
  return undefined;
}
