import type { NodeView } from '../node-view.ts';

/** A node's load as its node monitor states it: slots in use, reservations queued, slots in all. */
export interface NodeLoad {
  queueLength: number;
  running: number;
  slots: number;
}

interface Heard {
  running: number;
  queued: number;
  at: number;
}

/**
 * How busy each node is, as far as this frontend can tell without asking: node monitors state their
 * load on every getTask and report they send here (no extra message), the node bucket's adverts
 * fill in for nodes not heard from since their last heartbeat, and reservations this frontend sent
 * a node after it last spoke are added on top, so a burst of jobs does not pile onto one idle node.
 */
export class NodeLoads {
  private readonly heard = new Map<string, Heard>();
  private readonly sentSince = new Map<string, number>();

  /** A node monitor's load, from a getTask or a report, heard at `at` (this frontend's clock). */
  heardFrom(nodeId: string, load: NodeLoad, at: number): void {
    this.heard.set(nodeId, { running: load.running, queued: load.queueLength, at });
    this.sentSince.delete(nodeId);
  }

  sent(nodeId: string, reservations: number): void {
    this.sentSince.set(nodeId, (this.sentSince.get(nodeId) ?? 0) + reservations);
  }

  /** Slots in use and reservations queued, per slot: 1 is a node whose slots are all taken. */
  readonly loadOf = (node: NodeView): number => this.spokenFor(node) / Math.max(1, node.slots);

  /** Slots this frontend believes idle at the node: not running, and not spoken for by a reservation. */
  idleSlots(node: NodeView): number {
    return Math.max(0, node.slots - this.spokenFor(node));
  }

  /** Slots in use, reservations queued there and reservations sent since the node last spoke. */
  private spokenFor(node: NodeView): number {
    const heard = this.heard.get(node.id);
    const fresh = heard && heard.at >= node.lastHeartbeat;
    const busy = fresh ? heard.running + heard.queued : node.slots - node.freeSlots + (node.queueLength ?? 0);
    return busy + (this.sentSince.get(node.id) ?? 0);
  }

  /** A node that left: what was known of it goes too. */
  forget(nodeId: string): void {
    this.heard.delete(nodeId);
    this.sentSince.delete(nodeId);
  }
}
