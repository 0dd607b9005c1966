import type { NatsConnection } from '@nats-io/transport-node';
import { encode } from '@passerine/core';
import type { CancelMessage, MessageCounter, ReserveMessage } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import type { OfferingReservation } from './launch-offers.ts';
import type { NodeLoads } from './node-loads.ts';
import type { OwnedJob } from './owned-job.ts';

/** Sends reservations (probes) and their cancellations: plain publishes, one per node. */
export class Reservations {
  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    private readonly frontendId: string,
    private readonly counter: MessageCounter,
    private readonly loads: NodeLoads,
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
      owned.holders.add(nodeId);
      this.loads.sent(nodeId, count);
      this.counter.add();
      this.nc.publish(this.names.nodeMonitor(nodeId, 'reserve'), encode(message));
    }
  }

  /** Proactive cancellation of leftover reservations; with `kill`, running tasks stop too. */
  cancel(owned: OwnedJob, nodeIds: readonly string[], kill: boolean): void {
    const message: CancelMessage = kill ? { jobId: owned.job.id, kill } : { jobId: owned.job.id };
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
