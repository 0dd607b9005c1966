import { createInbox, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { decode, PasserineError } from '@passerine/core';
import type {
  HeuristicName,
  JobInput,
  JobResult,
  KeyLimit,
  Labels,
  Resources,
  ResourceWeights,
} from '@passerine/scheduling';
import { cancelJob, submitJob, type TaskNotice } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import { ConnectionLostError } from './errors.ts';
import { JobTracker } from './job-tracker.ts';
import type { TaskHandle } from './task-handle.ts';

/** How the tasks of an executor or pool are scheduled: the same for every job it submits. */
export interface JobOptions {
  /** The user the node monitors' fair queues count the tasks against. */
  user?: string;
  /** Lower runs first at the node monitors' priority queues. */
  priority?: number;
  /**
   * How often a task lost with its node is run again elsewhere, by the scheduler (Satyr's
   * default: 3). A task whose own code fails is never retried.
   */
  retries?: number;
  /** Labels every node running the tasks must carry. */
  labels?: Labels;
  /** What each task holds on its node, unless the task says otherwise. */
  resources?: Partial<Resources>;
  /** How tasks that ask for resources are packed onto nodes (Satyr's bfd with cpus=1, mem=1 by default). */
  packing?: { heuristic?: HeuristicName; weights?: ResourceWeights };
  /**
   * A key budget the tasks draw on, shared with every other task naming the key across the
   * cluster (a tenant, an external API): `{ key, running, perSecond }`.
   */
  limit?: KeyLimit;
}

/** A task of a job and, when a placement hook chose it, the node it must run on. */
export interface Submitted {
  handle: TaskHandle;
  nodeId?: string;
}

/**
 * What one client shares between its executors and pools: one inbox for the notices of every task
 * it submits, the jobs it follows, and what to do when the connection drops.
 */
export class Session {
  readonly inbox = createInbox();
  private readonly jobs = new Map<string, JobTracker>();
  private readonly watches = new Map<string, Subscription>();
  private readonly subscription: Subscription;
  /** Jobs whose tasks were given up when the connection dropped: cancelled once it is back. */
  private readonly orphans = new Set<string>();
  private sequence = 0;
  private closed = false;

  constructor(
    readonly nc: NatsConnection,
    readonly names: Names,
    private readonly clientId: string,
  ) {
    this.subscription = nc.subscribe(this.inbox, {
      callback: (_err, msg) => {
        let notices: TaskNotice[];
        try {
          notices = decode<TaskNotice[]>(msg.data);
        } catch {
          return;
        }
        if (!Array.isArray(notices)) return;
        for (const notice of notices) this.jobs.get(notice?.jobId)?.notice(notice);
      },
    });
    void this.followConnection();
  }

  get openJobs(): number {
    return this.jobs.size;
  }

  /** Submits these tasks as one job; resolves once it is durable, or rejects them all with why not. */
  async submit(tasks: readonly Submitted[], options: JobOptions): Promise<void> {
    if (this.closed) throw new PasserineError('illegal_state', 'the client is closed');
    const jobId = `${this.clientId}-${++this.sequence}`;
    const handles = new Map<string, TaskHandle>();
    const input: JobInput = {
      id: jobId,
      ...(options.user !== undefined && { user: options.user }),
      ...(options.priority !== undefined && { priority: options.priority }),
      maxRetries: options.retries ?? 3,
      ...(options.labels !== undefined && { labels: options.labels }),
      ...(options.packing !== undefined && { packing: options.packing }),
      ...(options.limit !== undefined && { limit: options.limit }),
      reply: { subject: this.inbox, ...(tasks.some((t) => t.handle.wantsStarts) && { starts: true }) },
      tasks: tasks.map(({ handle, nodeId }, i) => {
        const taskId = `t${i}`;
        handle.jobId = jobId;
        handle.taskId = taskId;
        handles.set(taskId, handle);
        const { payload, command, resources, labels } = handle.draft;
        const constraints = {
          ...(labels !== undefined && { labels }),
          ...(nodeId !== undefined && { nodes: [nodeId] }),
        };
        return {
          id: taskId,
          ...(payload !== undefined && { payload }),
          ...(command !== undefined && { command }),
          ...((resources ?? options.resources) !== undefined && {
            resources: resources ?? options.resources,
          }),
          ...(Object.keys(constraints).length > 0 && { constraints }),
        };
      }),
    };
    const tracker = new JobTracker(jobId, handles, (done) => this.forget(done.jobId));
    this.jobs.set(jobId, tracker);
    this.watch(jobId, tracker);
    try {
      await submitJob(this.nc, this.names, input);
    } catch (err) {
      tracker.fail(err);
      return;
    }
    // A task may have started (its notice came first) before the submit's answer.
    for (const handle of handles.values()) if (handle.state === 'staging') handle.move('starting');
  }

  /** Cancels a job, killing its running tasks; false when it had ended already. */
  async cancel(jobId: string, reason: string): Promise<boolean> {
    const result = await cancelJob(this.nc, this.names, jobId, reason).catch((err) => {
      if ((err as PasserineError).code === 'illegal_state') return undefined;
      throw err;
    });
    return result !== undefined && result.status === 'cancelled';
  }

  /** Stops following jobs: those still open are cancelled, their tasks rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const open = [...this.jobs.values()];
    await Promise.allSettled(open.map((job) => this.cancel(job.jobId, 'the client closed')));
    for (const job of open)
      job.fail(new PasserineError('illegal_state', 'the client closed before the task ended'));
    this.subscription.unsubscribe();
  }

  private watch(jobId: string, tracker: JobTracker): void {
    const sub = this.nc.subscribe(this.names.jobWatch(jobId), {
      max: 1,
      callback: (_err, msg) => {
        try {
          tracker.ended(decode<JobResult>(msg.data));
        } catch {
          // An unreadable notice: the tasks' own outcomes still settle them.
        }
      },
    });
    this.watches.set(jobId, sub);
  }

  private forget(jobId: string): void {
    this.jobs.delete(jobId);
    this.watches.get(jobId)?.unsubscribe();
    this.watches.delete(jobId);
  }

  /**
   * Notices are plain messages: those sent while the connection is down are gone. So every task in
   * hand is rejected at once when it drops (nothing waits forever), and its job is cancelled once
   * the connection is back, so nothing the client gave up keeps running on the nodes.
   */
  private async followConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        for (const job of [...this.jobs.values()]) {
          this.orphans.add(job.jobId);
          job.fail(new ConnectionLostError());
        }
      } else if (status.type === 'reconnect') {
        const orphans = [...this.orphans];
        this.orphans.clear();
        await Promise.allSettled(
          orphans.map((jobId) => this.cancel(jobId, 'its submitter lost its connection')),
        );
      }
    }
  }
}
