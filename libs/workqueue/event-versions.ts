import { type EventSchema, EventVersions } from '@passerine/core';
import type { Name } from './keys.ts';

/** WorkSpecDeleted before v2 named its spec `name`; every other work-queue event says `spec`. */
interface WorkSpecDeletedV1 {
  name: Name;
  at: number;
}

/**
 * The work queue's event versions (see EventVersions in libs/core). A type not listed here is at
 * v1. When an event changes shape: raise `current`, write the upcaster from the old version (old
 * logs keep it forever) and the downcaster to it (written while a replica that reads only the old
 * one is still a member), and change the event's data type and its decide and evolve to the new one.
 */
export const workQueueEventSchemas: Readonly<Record<string, EventSchema>> = {
  WorkSpecDeleted: {
    current: 2,
    up: {
      1: (data) => {
        const { name, ...rest } = data as WorkSpecDeletedV1;
        return { ...rest, spec: name };
      },
    },
    down: {
      1: (data) => {
        const { spec, ...rest } = data as { spec: Name; at: number };
        return { ...rest, name: spec };
      },
    },
  },
};

/** This build's work-queue event versions, lowered by `pins` (type → highest version to read and write). */
export function workQueueVersions(pins?: Readonly<Record<string, number>>): EventVersions {
  return new EventVersions(workQueueEventSchemas, pins);
}

/** The version the work queue's decide writes and its evolve reads, for `type`. */
export function currentVersion(type: string): number {
  return workQueueEventSchemas[type]?.current ?? 1;
}
