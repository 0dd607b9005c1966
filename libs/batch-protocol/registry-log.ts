import { ArtifactStore } from '@passerine/artifacts';
import {
  type DefinitionFile,
  decideApply,
  evolveRegistry,
  initialRegistry,
  type RegistryEvent,
  type Registry,
  splitArtifactRef,
} from '@passerine/batch';
import { envelop, type IdSource, NotFoundError, ValidationError } from '@passerine/core';

const PARTITION = /^[A-Za-z0-9_.:=/-]{1,128}$/;
import { type EventLog, readThrough } from '@passerine/eventlog';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Names } from '@passerine/subjects';

/** The registry as the log holds it, and the sequence it was read at (to fence the next append). */
export async function readRegistry(
  log: EventLog,
  names: Names,
): Promise<{ registry: Registry; seq: number }> {
  const registry = initialRegistry();
  const seq = await log.lastSubjectSeq(names.batchDefinitions);
  if (seq === 0) return { registry, seq };
  for await (const record of readThrough(log, { filter: names.batchDefinitions, throughSeq: seq })) {
    if (record.kind !== 'commit') continue;
    for (const event of record.events) evolveRegistry(registry, event as unknown as RegistryEvent);
  }
  return { registry, seq };
}

export interface ApplyResult {
  events: RegistryEvent[];
  registry: Registry;
}

/**
 * Registers a definitions directory: every check passes or nothing is written, and what changed is
 * one commit, fenced on the registry as read, so two applies at once cannot interleave.
 */
export async function applyDefinitions(
  nc: NatsConnection,
  log: EventLog,
  names: Names,
  files: DefinitionFile[],
  ctx: { now: number; ids: IdSource },
): Promise<ApplyResult> {
  const { registry, seq } = await readRegistry(log, names);
  const wanted = files.flatMap((f) =>
    f.kind === 'job' && f.definition.artifact ? [f.definition.artifact] : [],
  );
  const present = new Set<string>();
  if (wanted.length > 0) {
    const store = await ArtifactStore.open(nc, names);
    for (const ref of new Set(wanted)) {
      const { name, version } = splitArtifactRef(ref);
      if (await store.resolve(name, version)) present.add(ref);
    }
  }
  const events = decideApply({ type: 'ApplyDefinitions', files }, registry, {
    artifactExists: (ref) => present.has(ref),
  });
  if (events.length > 0) {
    const envelopes = events.map((e) =>
      envelop<string, unknown>(e, { time: ctx.now, nextId: () => ctx.ids.next() }),
    );
    await log.append(names.batchDefinitions, envelopes, { expectedLastSubjectSeq: seq });
    for (const event of events) evolveRegistry(registry, event);
  }
  return { events, registry };
}

/** Records that a data set's partition is there; a data set no definition declares is refused. */
export async function announceDataset(
  log: EventLog,
  names: Names,
  dataset: string,
  partition: string,
  ctx: { now: number; ids: IdSource },
): Promise<void> {
  if (!PARTITION.test(partition)) {
    throw new ValidationError(
      `partition ${JSON.stringify(partition)}: 1 to 128 letters, digits, _ . : = / or -`,
    );
  }
  const { registry } = await readRegistry(log, names);
  if (!registry.datasets.has(dataset)) {
    throw new NotFoundError(`no data set ${dataset} is defined (declare it in a file with kind: dataset)`);
  }
  const event = envelop(
    { type: 'DatasetPartitionAnnounced', data: { dataset, partition } },
    { time: ctx.now, nextId: () => ctx.ids.next() },
  );
  await log.append(names.batchDatasets, [event]);
}
