/** What a task asks for and what a node has free. Compared per dimension, never summed. */
export interface Resources {
  cpus: number;
  memMb: number;
  diskMb: number;
}

export const RESOURCE_NAMES = ['cpus', 'memMb', 'diskMb'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

export const NO_RESOURCES: Readonly<Resources> = Object.freeze({ cpus: 0, memMb: 0, diskMb: 0 });

/** Fills missing dimensions with zero so callers may write `{ cpus: 1 }`. */
export function resources(partial: Partial<Resources> = {}): Resources {
  return { cpus: partial.cpus ?? 0, memMb: partial.memMb ?? 0, diskMb: partial.diskMb ?? 0 };
}

/** The most of each resource any one of these asks for. */
export function largestDemand(tasks: ReadonlyArray<{ resources: Resources }>): Resources {
  const out = { cpus: 0, memMb: 0, diskMb: 0 };
  for (const { resources } of tasks) {
    out.cpus = Math.max(out.cpus, resources.cpus);
    out.memMb = Math.max(out.memMb, resources.memMb);
    out.diskMb = Math.max(out.diskMb, resources.diskMb);
  }
  return out;
}

/** Asks for no cpus, memory or disk at all. */
export function isEmpty(resources: Resources): boolean {
  return resources.cpus === 0 && resources.memMb === 0 && resources.diskMb === 0;
}

/** A demand fits when no dimension exceeds what is available. */
export function fits(demand: Resources, available: Resources): boolean {
  return (
    demand.cpus <= available.cpus && demand.memMb <= available.memMb && demand.diskMb <= available.diskMb
  );
}

export function addResources(a: Resources, b: Resources): Resources {
  return { cpus: a.cpus + b.cpus, memMb: a.memMb + b.memMb, diskMb: a.diskMb + b.diskMb };
}

export function subtractResources(a: Resources, b: Resources): Resources {
  return { cpus: a.cpus - b.cpus, memMb: a.memMb - b.memMb, diskMb: a.diskMb - b.diskMb };
}
