import type { Reservation } from '@passerine/scheduling';

/**
 * This frontend's own view of each node's load: reservations it left there and has not seen
 * consumed or cancelled, plus its tasks running there. Batch sampling prefers the least loaded of
 * its sampled candidates. A count that drifts (a dropped message) only makes a sample a little
 * less informed, so it is clamped at zero rather than reconciled.
 */
export class NodeLoad {
  private readonly units = new Map<string, number>();

  readonly of = (nodeId: string): number => this.units.get(nodeId) ?? 0;

  add(nodeId: string, n = 1): void {
    this.units.set(nodeId, this.of(nodeId) + n);
  }

  remove(nodeId: string, n = 1): void {
    const left = this.of(nodeId) - n;
    if (left > 0) this.units.set(nodeId, left);
    else this.units.delete(nodeId);
  }

  reserved(reservations: readonly Reservation[]): void {
    for (const { nodeId, count } of reservations) this.add(nodeId, count);
  }

  released(reservations: readonly Reservation[]): void {
    for (const { nodeId, count } of reservations) this.remove(nodeId, count);
  }

  forget(nodeId: string): void {
    this.units.delete(nodeId);
  }
}
