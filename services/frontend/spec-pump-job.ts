import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode } from '@passerine/core';
import { asLogBatch, type LogLine } from '@passerine/task-logs';
import type { JobResult, JobState, JobStatus, NodeView } from '@passerine/scheduling';
import type { Names } from '@passerine/subjects';
import {
  type ExecutableSpec,
  OUTPUT_LINE_PREFIX,
  STDERR_TAIL_LINES,
  type TaskView,
} from '@passerine/executable-specs';
import type { StartedWork } from '@passerine/workqueue';

/** One pumped unit: the attempt the store gave, the task that runs it, what its output said. */
export interface PumpedUnit {
  started: StartedWork;
  taskId: string;
  /** The store no longer holds this attempt for the pump (expired, or the unit was deleted). */
  lost: boolean;
  settled: boolean;
  outputAttempt?: string;
  outputLine?: string;
  stderrTail: string[];
}

/** A job of pumped units: one get_work batch of one spec, placed as one job of one task per unit. */
export class PumpedJob {
  readonly units = new Map<string, PumpedUnit>();
  /** Tasks seen running, and since when (this frontend's clock): their slot may not be advertised yet. */
  readonly runningSince = new Map<string, { nodeId: string; since: number }>();
  /** Set from the job's watch subject once it ended. */
  ended?: { status: JobStatus; reason?: string; tasks: Map<string, TaskView> };
  /** The job's state while this frontend's scheduler held it, and since when it no longer does. */
  private lastState?: JobState;
  private goneSince?: number;

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
        callback: (_err, msg) => {
          const batch = asLogBatch(decode(msg.data));
          if (batch) for (const line of batch.lines) this.heard(batch.taskId, batch.attemptId, line);
        },
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

  add(started: StartedWork): PumpedUnit {
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

  /**
   * The job's end as this frontend's scheduler decided it, once the scheduler let the job go and
   * `graceMs` passed without the watch notice: a notice published while a NATS node was down may
   * never arrive, and the units would wait for it, their leases renewed, for ever.
   */
  endDecided(owned: JobState | undefined, now: number, graceMs: number): JobState | undefined {
    if (owned) {
      this.lastState = owned;
      this.goneSince = undefined;
      return undefined;
    }
    this.goneSince ??= now;
    const state = this.lastState;
    const ended = state?.status === 'completed' || state?.status === 'cancelled';
    return ended && now - this.goneSince >= graceMs ? state : undefined;
  }

  open(): PumpedUnit[] {
    return [...this.units.values()].filter((unit) => !unit.settled);
  }

  /** An output line of one of its tasks: the output line and the stderr tail are kept per attempt. */
  heard(taskId: string, attemptId: string, line: LogLine): void {
    const unit = this.units.get(taskId);
    if (!unit) return;
    if (unit.outputAttempt !== attemptId) {
      unit.outputAttempt = attemptId;
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
 * What the pump's jobs hold that node adverts may not show yet: tasks not launched, and per node
 * the tasks seen running there since its last advert.
 */
export function launchesNotAdvertised(
  jobs: Iterable<PumpedJob>,
  stateOf: (jobId: string) => JobState | undefined,
  now: number,
): { unlaunched: number; launchedSinceAdvert: (node: NodeView) => number } {
  let unlaunched = 0;
  // Grouped by node once: the room is asked of every node, and walking every running task for
  // each of them grew as nodes × tasks.
  const startsByNode = new Map<string, number[]>();
  for (const job of jobs) {
    unlaunched += job.observe(stateOf(job.id), now);
    for (const { nodeId, since } of job.runningSince.values()) {
      const starts = startsByNode.get(nodeId);
      if (starts) starts.push(since);
      else startsByNode.set(nodeId, [since]);
    }
  }
  const launchedSinceAdvert = (node: NodeView) => {
    let n = 0;
    for (const since of startsByNode.get(node.id) ?? []) if (since >= node.lastHeartbeat) n++;
    return n;
  };
  return { unlaunched, launchedSinceAdvert };
}
