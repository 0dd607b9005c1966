import { type Committed, commit } from './resource-packing.ts';
import { fits, type Resources } from './resources.ts';

/**
 * A job's packed tasks, each bound to one node and waiting for the reservation that was sent
 * there with exactly its resources. The node monitor holds those resources while it asks for a
 * task, so only a task that fits what the reservation holds may be handed out on it.
 */
export class BoundTasks {
  private readonly byTask = new Map<string, { nodeId: string; resources: Resources }>();

  bind(taskId: string, nodeId: string, resources: Resources): void {
    this.byTask.set(taskId, { nodeId, resources });
  }

  unbind(taskId: string): void {
    this.byTask.delete(taskId);
  }

  /** The largest task bound to the node that fits what the reservation holds; it is unbound. */
  take(nodeId: string, held: Resources): string | null {
    const taskId = this.fitting(nodeId, held);
    if (taskId !== null) this.byTask.delete(taskId);
    return taskId;
  }

  /** The task `take` would hand out, left bound. */
  fitting(nodeId: string, held: Resources): string | null {
    let best: { taskId: string; size: number } | undefined;
    for (const [taskId, bound] of this.byTask) {
      if (bound.nodeId !== nodeId || !fits(bound.resources, held)) continue;
      const size = bound.resources.cpus + bound.resources.memMb + bound.resources.diskMb;
      if (!best || size > best.size) best = { taskId, size };
    }
    return best ? best.taskId : null;
  }

  /** Whether a task is still waiting for a reservation at this node. */
  waitsAt(nodeId: string): boolean {
    for (const bound of this.byTask.values()) if (bound.nodeId === nodeId) return true;
    return false;
  }

  /** Adds the slots and resources of the bound tasks (but those in `except`) to `committed`, per node. */
  addCommitted(committed: Map<string, Committed>, except?: ReadonlySet<string>): void {
    for (const [taskId, { nodeId, resources }] of this.byTask) {
      if (!except?.has(taskId)) commit(committed, nodeId, resources);
    }
  }

  get size(): number {
    return this.byTask.size;
  }
}
