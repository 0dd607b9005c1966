import { type EventEnvelope, EventVersionError, type EventVersions } from '@passerine/core';
import { ProjectionStoppedError } from '@passerine/eventlog';

/**
 * The events as the cluster can read them: each in the version the version gate allows (the
 * state already holds them in the current one; only what goes into the log is downcast).
 */
export function asWritten(
  events: EventEnvelope[],
  versions: EventVersions,
  writeVersion: (type: string) => number,
): EventEnvelope[] {
  let out: EventEnvelope[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.v === 1) continue;
    const allowed = writeVersion(e.type);
    if (allowed >= e.v) continue;
    out ??= events.slice();
    out[i] = versions.downcast(e, allowed);
  }
  return out ?? events;
}

/** The projection stopped because the log holds an event newer than this build reads. */
export function newerEventStop(err: unknown): string | undefined {
  if (err instanceof ProjectionStoppedError && err.problem.kind === 'versionMismatch')
    return err.problem.reason;
  if (err instanceof EventVersionError) return err.message;
  return undefined;
}
