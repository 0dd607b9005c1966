import type { NatsConnection } from '@nats-io/transport-node';
import { encode } from '@passerine/core';
import { DEFAULT_KILL_GRACE_MS } from '@passerine/executors';
import { requestRpc } from '@passerine/natsconn';
import type { OfferingReservation, OwnedJob, UnrecordedRunsStop } from '@passerine/scheduling';
import type { CancelMessage, MessageCounter, ReserveMessage } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';

/**
 * How long a stop of running tasks waits for a node's answer: beyond the grace a process group gets
 * between SIGTERM and SIGKILL, so a node that answers at all answers in time.
 */
export const STOP_ANSWER_TIMEOUT_MS = 3 * DEFAULT_KILL_GRACE_MS;

/**
 * Sends reservations (probes) and their cancellations to node monitors: plain publishes, one per
 * node, but for stops of running tasks (a cancelled job's, an adopter's of unrecorded runs), which
 * wait for the nodes' answers.
 */
export class Reservations {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    private readonly frontendId: string,
    private readonly counter: MessageCounter,
  ) {}

  send(owned: OwnedJob, reservations: readonly OfferingReservation[]): void {
    const { job, demand } = owned;
    for (const { nodeId, count, resources, offers } of reservations) {
      const message: ReserveMessage = {
        jobId: job.id,
        frontendId: this.frontendId,
        user: job.user,
        priority: job.priority,
        count,
        resources: resources ?? demand,
        ...(offers && { offers }),
      };
      this.counter.add();
      this.nc.publish(this.names.nodeMonitor(nodeId, 'reserve'), encode(message));
    }
  }

  /** Proactive cancellation of leftover reservations; with `kill`, running tasks stop too. */
  cancel(jobId: string, nodeIds: readonly string[], kill: boolean): void {
    const message: CancelMessage = kill ? { jobId, kill } : { jobId };
    const payload = encode(message);
    for (const nodeId of nodeIds) {
      this.counter.add();
      this.nc.publish(this.names.nodeMonitor(nodeId, 'cancel'), payload);
    }
  }

  /**
   * Stops a job's running tasks at these nodes; settles once each node has answered that they have
   * ended, or could not be reached. Whoever runs the job's work again elsewhere waits for this.
   */
  async stopRunning(jobId: string, nodeIds: readonly string[], timeoutMs: number): Promise<void> {
    const message: CancelMessage = { jobId, kill: true };
    await Promise.allSettled(
      nodeIds.map((nodeId) => {
        this.counter.add();
        return requestRpc(this.nc, this.names.nodeMonitor(nodeId, 'cancel'), message, timeoutMs);
      }),
    );
  }

  /**
   * An adopter's stop of the runs its log does not know of, at every node; settles once each node
   * has answered that they ended, or could not be reached (a node gone has no runs left).
   */
  async stopUnrecorded(jobId: string, stop: UnrecordedRunsStop, timeoutMs: number): Promise<void> {
    const message: CancelMessage = { jobId, keepAttempts: stop.keepAttempts };
    await Promise.allSettled(
      stop.nodeIds.map((nodeId) => {
        this.counter.add();
        return requestRpc(this.nc, this.names.nodeMonitor(nodeId, 'cancel'), message, timeoutMs);
      }),
    );
  }

  /** Stops one attempt at a node: a launch it answered too late to count. */
  stopAttempt(jobId: string, nodeId: string, attemptId: string): void {
    const message: CancelMessage = { jobId, attemptId };
    this.counter.add();
    this.nc.publish(this.names.nodeMonitor(nodeId, 'cancel'), encode(message));
  }
}
