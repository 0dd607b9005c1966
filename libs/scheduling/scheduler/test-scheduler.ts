import { seededRandom } from '@passerine/core';
import type { JobInput } from '../job-spec.ts';
import type { NodeView } from '../node-view.ts';
import { testNode } from '../test-nodes.ts';
import { parseJob } from '../validate-job.ts';
import { Handling } from './handling.ts';
import { acknowledgeSubmit, scheduleJob } from './job-lifecycle.ts';
import type { OwnedJob } from './owned-job.ts';
import type { PlacementMode } from './placement.ts';
import type { SchedulerEvent } from './scheduler-events.ts';
import { initialSchedulerState, type SchedulerContext } from './scheduler-state.ts';

/** A node of 4 free slots for scheduler tests; `takesOffers` as given. */
export function node(id: string, takesOffers = false): NodeView {
  return { ...testNode(id), queueLength: 0, takesOffers };
}

export interface SchedulerBed {
  readonly h: Handling;
  /** The live nodes; tests change it as nodes come and go. */
  nodes: NodeView[];
  /** Moves this frontend's clock on. */
  advance(ms: number): void;
  /** Submits a job (user u, priority 0 unless given), its submission durable at once; returns it. */
  submit(input: JobInput): OwnedJob;
  /** What was decided since the last call, one line each (see lines). */
  decided(): string[];
}

/** A frontend's scheduler with nothing on it yet: frontend fe, lending after 2 ms, seeded draws. */
export function schedulerBed(nodes: NodeView[], placement: PlacementMode = 'batch'): SchedulerBed {
  let time = 1_000;
  let ids = 0;
  const bed = {
    nodes,
    h: undefined as unknown as Handling,
    advance(ms: number) {
      time += ms;
    },
    submit(input: JobInput) {
      const owned = scheduleJob(bed.h, parseJob({ user: 'u', ...input }));
      acknowledgeSubmit(bed.h, owned);
      return owned;
    },
    decided: () => lines(bed.h.take()),
  };
  const context: SchedulerContext = {
    frontendId: 'fe',
    placement,
    lendAfterMs: 2,
    maxActiveJobs: 100,
    nodes: {
      live: () => bed.nodes,
      get: (id) => bed.nodes.find((n) => n.id === id),
      has: (id) => bed.nodes.some((n) => n.id === id),
    },
    now: () => time,
    nextId: () => `a${++ids}`,
    random: seededRandom(7),
  };
  bed.h = new Handling(initialSchedulerState(), context);
  return bed;
}

/** What the events say about messages, launches and the log, one line each, in order. */
export function lines(events: readonly SchedulerEvent[]): string[] {
  return events.flatMap((e): string[] => {
    switch (e.type) {
      case 'JobRecorded':
        return [`record ${e.job.job.id}: ${e.events.map((x) => x.type).join(', ')}`];
      case 'JobEnded':
        return [`end ${e.job.job.id}`];
      case 'JobDropped':
        return [`drop ${e.job.job.id}`];
      case 'ReservationsSent':
        return e.reservations.map(
          (r) =>
            `reserve ${e.job.job.id} ${r.nodeId}×${r.count}` +
            (r.offers ? ` with ${r.offers.map((o) => o.taskId).join(',')}` : ''),
        );
      case 'ReservationsCancelled':
        return [`cancel ${e.job.job.id} at ${e.nodeIds.join(',')}${e.kill ? ' and kill' : ''}`];
      case 'RunningTasksStopped':
        return [`stop running ${e.job.job.id} at ${e.nodeIds.join(',')}`];
      case 'AttemptStopped':
        return [`stop ${e.jobId} attempt ${e.attemptId} at ${e.nodeId}`];
      case 'TaskOffered':
        return [`offer ${e.job.job.id}/${e.taskId} at ${e.nodeId}`];
      case 'TaskHandedOut':
        return [`launch ${e.job.job.id}/${e.taskId} at ${e.nodeId} (${e.from})`];
      case 'OfferDeclined':
        return [`declined ${e.job.job.id}/${e.taskId} at ${e.nodeId}`];
      case 'ReservationsAdded':
        return [`add ${e.job.job.id} ${e.nodeId}×${e.count}`];
      case 'ReservationsUsed':
        return [`use ${e.job.job.id} ${e.nodeId}×${e.count}`];
      default:
        // What only changes the frontend's own books (placements, loads, timings) is not listed.
        return [];
    }
  });
}
