import type { NodeView } from './node-view.ts';

/** A node for tests: 4 slots, 4 cpus, 4 GiB, labels as given. */
export function testNode(id: string, labels: Record<string, string> = {}, cpus = 4): NodeView {
  const capacity = { cpus, memMb: 4096, diskMb: 4096 };
  return { id, slots: 4, freeSlots: 4, capacity, free: { ...capacity }, labels, lastHeartbeat: 0 };
}
