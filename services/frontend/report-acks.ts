import type { NatsConnection } from '@nats-io/transport-node';
import { encode } from '@passerine/core';
import { MAX_REPORTS_PER_MESSAGE, type MessageCounter, type ReportAck } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';

/**
 * Tells node monitors which of their task reports are durable, so they may forget them: the
 * acknowledgements of one event-loop turn go out as one message per node (a commit often makes
 * several of a node's reports durable at once).
 */
export class ReportAcks {
  private readonly due = new Map<string, string[]>();
  private flushing?: NodeJS.Immediate;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: Names,
    private readonly counter: MessageCounter,
  ) {}

  add(nodeId: string, attemptId: string): void {
    const list = this.due.get(nodeId);
    if (list) list.push(attemptId);
    else this.due.set(nodeId, [attemptId]);
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Sends what is due now; unsent acknowledgements only make nodes send those reports again. */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    for (const [nodeId, attemptIds] of this.due) {
      for (let at = 0; at < attemptIds.length; at += MAX_REPORTS_PER_MESSAGE) {
        const ack: ReportAck = { attemptIds: attemptIds.slice(at, at + MAX_REPORTS_PER_MESSAGE) };
        this.counter.add();
        try {
          this.nc.publish(this.names.nodeMonitor(nodeId, 'reported'), encode(ack));
        } catch {
          // The connection closed under a stopping frontend: the nodes send these reports again.
        }
      }
    }
    this.due.clear();
  }
}
