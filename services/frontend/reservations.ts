import type { NatsConnection } from '@nats-io/transport-node';
import { encode } from '@passerine/core';
import type { OfferingReservation, OwnedJob } from '@passerine/scheduling';
import type { CancelMessage, MessageCounter, ReserveMessage } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';

/** Sends reservations (probes) and their cancellations to node monitors: plain publishes, one per node. */
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

  /** Stops one attempt at a node: a launch it answered too late to count. */
  stopAttempt(jobId: string, nodeId: string, attemptId: string): void {
    const message: CancelMessage = { jobId, attemptId };
    this.counter.add();
    this.nc.publish(this.names.nodeMonitor(nodeId, 'cancel'), encode(message));
  }
}
