import { type EventEnvelope, type NewEvent, PasserineError } from '@passerine/core';
import { currentVersion, workQueueVersions } from '../event-versions.ts';
import type { WorkQueueEventData } from '../events.ts';
import type { NamespaceState } from '../state.ts';
import {
  applyAttemptFailed,
  applyAttemptFinished,
  applyAttemptRenewed,
  applyAttemptRetried,
  applyAttemptsExpired,
  applyAttemptsStarted,
} from './evolve-attempts.ts';
import {
  applyNamespaceCleared,
  applyWorkSpecControlled,
  applyWorkSpecDeleted,
  applyWorkSpecSet,
} from './evolve-specs.ts';
import {
  applyUnitsArchived,
  applyUnitsExpired,
  applyUnitsReleased,
  applyUnitsRetired,
  applyWorkUnitStatusSet,
  applyWorkUnitsAdded,
  applyWorkUnitsDeleted,
  applyWorkUnitsPrioritized,
} from './evolve-units.ts';
import { applyWorkerHeartbeat, applyWorkerUnregistered, applyWorkersExpired } from './evolve-workers.ts';

/** An event type this version does not know; the projector reports it with its sequence. */
export class UnknownEventError extends PasserineError {
  constructor(readonly eventType: string) {
    super('corrupt', `unknown work queue event type '${eventType}'`, { type: eventType });
  }
}

/** Immutable: the conversions of this build, without pins (a pinned reader checks before evolve). */
const versions = workQueueVersions();

type Appliers = {
  [T in keyof WorkQueueEventData]: (state: NamespaceState, data: WorkQueueEventData[T]) => boolean;
};

const appliers: Appliers = {
  WorkSpecSet: applyWorkSpecSet,
  WorkSpecDeleted: applyWorkSpecDeleted,
  WorkSpecControlled: applyWorkSpecControlled,
  WorkUnitsAdded: applyWorkUnitsAdded,
  WorkUnitsPrioritized: applyWorkUnitsPrioritized,
  WorkUnitsDeleted: applyWorkUnitsDeleted,
  WorkUnitStatusSet: applyWorkUnitStatusSet,
  AttemptsStarted: applyAttemptsStarted,
  AttemptRenewed: applyAttemptRenewed,
  AttemptFinished: applyAttemptFinished,
  AttemptFailed: applyAttemptFailed,
  AttemptRetried: applyAttemptRetried,
  AttemptsExpired: applyAttemptsExpired,
  UnitsReleased: applyUnitsReleased,
  WorkerHeartbeat: applyWorkerHeartbeat,
  WorkerUnregistered: applyWorkerUnregistered,
  WorkersExpired: applyWorkersExpired,
  UnitsArchived: applyUnitsArchived,
  NamespaceCleared: applyNamespaceCleared,
  UnitsRetired: applyUnitsRetired,
  UnitsExpired: applyUnitsExpired,
};

/**
 * The work queue's evolve (the Decider convention of libs/core): applies one event to the state IN
 * PLACE and returns that same object, since replay runs over millions of units.
 * The log is the truth: an event that refers to something no longer there (a finish for an
 * attempt that already expired, units of a deleted spec) is applied as far as it can be and
 * counted in `state.ignoredEvents`; it never throws. Only an unknown event type throws, and an event
 * newer than this build understands (EventVersionError): older versions are upcast first.
 */
export function evolve(state: NamespaceState, given: EventEnvelope | NewEvent): NamespaceState {
  // A decided event (no version) is in the current version; one read from the log is upcast to it.
  const v = given.v;
  const event =
    v === undefined || v === currentVersion(given.type) ? given : versions.upcast(given as EventEnvelope);
  const apply = (appliers as Record<string, ((s: NamespaceState, d: unknown) => boolean) | undefined>)[
    event.type
  ];
  if (!apply || !Object.hasOwn(appliers, event.type)) throw new UnknownEventError(event.type);
  if (apply(state, event.data) === false) state.ignoredEvents++;
  return state;
}
