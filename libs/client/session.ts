import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode, PasserineError } from '@passerine/core';
import { inboxOf } from '@passerine/natsconn';
import {
  isTerminal,
  type HeuristicName,
  type JobInput,
  type JobResult,
  type KeyLimit,
  type Labels,
  type Resources,
  type ResourceWeights,
} from '@passerine/scheduling';
import {
  cancelJob,
  jobStatus,
  type SubmitReply,
  submitJob,
  type TaskNotice,
} from '@passerine/scheduling-protocol';
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
  /** Its jobs are placed no earlier than this (one in the past: at once). */
  notBefore?: Date;
  /** Tasks not started within this long of their submit expire instead of running (ms). */
  ttlMs?: number;
}

/** A task of a job and, when a placement hook chose it, the node it must run on. */
export interface Submitted {
  handle: TaskHandle;
  nodeId?: string;
}

/** Ended jobs a client remembers for repeats of their submits. */
const RECENTLY_ENDED_JOBS = 256;

/**
 * What one client shares between its executors and pools: one inbox for the notices of every task
 * it submits, the jobs it follows, and what to do when the connection drops.
 */
export class Session {
  readonly inbox: string;
  private readonly jobs = new Map<string, JobTracker>();
  /**
   * Jobs of this client that ended lately, newest last: a repeat of one's submit whose answer came
   * after that job's end still settles as the first did, with its value.
   */
  private readonly ended = new Map<string, JobTracker>();
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
    this.inbox = inboxOf(nc);
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
    const key = tasks.length === 1 ? tasks[0]!.handle.draft.idempotencyKey : undefined;
    const input: JobInput = {
      id: jobId,
      ...(key !== undefined && { idempotencyKey: key }),
      ...(options.notBefore !== undefined && { notBefore: options.notBefore.getTime() }),
      ...(options.ttlMs !== undefined && { ttlMs: options.ttlMs }),
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
    const tracker = new JobTracker(jobId, handles, (done) => this.finished(done));
    this.jobs.set(jobId, tracker);
    this.watch(jobId, tracker);
    if (tasks.some((t, i) => i > 0 && t.handle.draft.idempotencyKey !== undefined)) {
      const why = 'an idempotency key names one submit: give it to Executor.submit, not to a map';
      tracker.fail(new PasserineError('validation', why));
      return;
    }
    let reply: SubmitReply;
    try {
      reply = await submitJob(this.nc, this.names, input);
    } catch (err) {
      tracker.fail(err);
      return;
    }
    if (reply.jobId !== jobId) this.followFirst(tracker, reply);
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

  /**
   * A repeat of an earlier submit: its tasks follow the first job instead. When this client is
   * following that job, each task settles as the first's does; otherwise from the job's end (a
   * value that went to the first submitter's inbox is not here: such a task settles as lost).
   */
  private followFirst(tracker: JobTracker, reply: SubmitReply): void {
    this.forget(tracker.jobId);
    const first = this.jobs.get(reply.jobId) ?? this.ended.get(reply.jobId);
    if (first) {
      for (const [taskId, handle] of tracker.tasks) {
        handle.jobId = reply.jobId;
        const original = first.tasks.get(taskId);
        if (!original) {
          handle.reject(new PasserineError('illegal_state', `job ${reply.jobId} has no task ${taskId}`));
          continue;
        }
        original.settled.then(
          (value) => handle.resolve(value),
          (err) => handle.reject(err),
        );
      }
      return;
    }
    const next = tracker.renamed(reply.jobId, (done) => this.finished(done));
    this.jobs.set(next.jobId, next);
    if (reply.result) {
      next.ended(reply.result);
      return;
    }
    this.watch(next.jobId, next);
    // It may have ended before the watch began: asked once the watch is on.
    void jobStatus(this.nc, this.names, next.jobId)
      .then((now) => isTerminal(now.status) && next.ended(now))
      .catch(() => undefined);
  }

  private finished(tracker: JobTracker): void {
    this.ended.set(tracker.jobId, tracker);
    if (this.ended.size > RECENTLY_ENDED_JOBS) this.ended.delete(this.ended.keys().next().value as string);
    this.forget(tracker.jobId);
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
