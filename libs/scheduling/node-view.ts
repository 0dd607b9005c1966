import type { Labels, TaskSpec } from './job-spec.ts';
import { fits, type Resources } from './resources.ts';

/** One node monitor as a frontend sees it in the membership bucket. */
export interface NodeView {
  id: string;
  slots: number;
  freeSlots: number;
  /** What the node has in total: decides whether a task can ever run there. */
  capacity: Resources;
  /** What is free right now. */
  free: Resources;
  labels: Labels;
  /** ms since the epoch. */
  lastHeartbeat: number;
  /** Reservations waiting at the node, when known (per-task sampling compares them). */
  queueLength?: number;
  /**
   * The node launches tasks sent along with reservations (launch offers). Frontends send offers
   * only to nodes that say so: a node monitor of an older version would queue the reservation and
   * leave the offered tasks held until the frontend gives up on them.
   */
  takesOffers?: boolean;
}

export function hasLabels(nodeLabels: Labels, required: Labels | undefined): boolean {
  if (!required) return true;
  for (const key in required) if (nodeLabels[key] !== required[key]) return false;
  return true;
}

/** Nodes whose heartbeat is recent enough to be trusted with work. */
export function liveNodes(nodes: readonly NodeView[], now: number, staleAfterMs: number): NodeView[] {
  return nodes.filter((node) => now - node.lastHeartbeat <= staleAfterMs);
}

/** Whether a task may ever run on a node: job labels, its own constraints, and total capacity. */
export function nodeCanRun(node: NodeView, jobLabels: Labels, task: TaskSpec): boolean {
  if (!hasLabels(node.labels, jobLabels)) return false;
  const constraints = task.constraints;
  if (constraints?.nodes && !constraints.nodes.includes(node.id)) return false;
  if (!hasLabels(node.labels, constraints?.labels)) return false;
  return fits(task.resources, node.capacity);
}
