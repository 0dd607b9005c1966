import { ValidationError } from '@passerine/core';
import type { LogUnitName, Names } from '@passerine/subjects';
import type { LogBatch } from './log-batch.ts';

/**
 * Something whose output can be read: a job, a work unit (and, as more kinds are added, whatever
 * runs as jobs). A source says which subjects of the logs stream hold its lines, which batches
 * there are its own, and how its attempts are grouped: `--attempt N` picks the Nth attempt of
 * each group.
 */
export interface LogSource {
  readonly description: string;
  filters(names: Names): string[];
  includes(batch: LogBatch): boolean;
  /** The group whose attempts are numbered together, and how its lines are labelled. */
  groupOf(batch: LogBatch): string;
}

/**
 * One kind of id `passerine logs` takes, written `KIND:ID` (a bare id is the first kind's).
 * Resolving may ask the cluster (a kind whose id names several jobs does), hence the promise.
 */
export interface LogSourceKind {
  readonly kind: string;
  readonly usage: string;
  resolve(id: string, options: { namespace: string }): Promise<LogSource> | LogSource;
}

export function jobLogSource(jobIds: string[], description = `job ${jobIds.join(', ')}`): LogSource {
  const ids = new Set(jobIds);
  return {
    description,
    filters: (names) => jobIds.map((id) => names.jobLogs(id)),
    includes: (batch) => ids.has(batch.jobId),
    groupOf: (batch) => (ids.size > 1 ? `${batch.jobId}/${batch.taskId}` : batch.taskId),
  };
}

function sameName(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : Buffer.from(x));
  return bytes(a).equals(bytes(b));
}

export function unitLogSource(unit: LogUnitName): LogSource {
  const text = (x: string | Uint8Array) => (typeof x === 'string' ? x : Buffer.from(x).toString('utf8'));
  return {
    description: `work unit ${text(unit.key)} of ${text(unit.spec)}`,
    filters: (names) => [names.unitLogs(unit)],
    includes: (batch) =>
      batch.unit !== undefined &&
      sameName(batch.unit.namespace, unit.namespace) &&
      sameName(batch.unit.spec, unit.spec) &&
      sameName(batch.unit.key, unit.key),
    groupOf: () => text(unit.key),
  };
}

export const jobLogKind: LogSourceKind = {
  kind: 'job',
  usage: 'job:ID (or ID): the tasks of a scheduler job',
  resolve: (id) => jobLogSource([id]),
};

export const unitLogKind: LogSourceKind = {
  kind: 'unit',
  usage: 'unit:SPEC/KEY: the runs of a work unit in --namespace (the spec name ends at the first /)',
  resolve: (id, { namespace }) => {
    const slash = id.indexOf('/');
    if (slash <= 0 || slash === id.length - 1)
      throw new ValidationError(`unit ${JSON.stringify(id)} must be written SPEC/KEY`, { field: 'unit' });
    return unitLogSource({ namespace, spec: id.slice(0, slash), key: id.slice(slash + 1) });
  },
};

/** The kinds `passerine logs` knows, the default (bare id) first. */
export const logSourceKinds: readonly LogSourceKind[] = [jobLogKind, unitLogKind];

/** The source a command-line target names: `KIND:ID`, or a bare id of the first kind. */
export async function resolveLogSource(
  target: string,
  kinds: readonly LogSourceKind[],
  options: { namespace: string },
): Promise<LogSource> {
  const colon = target.indexOf(':');
  const named = colon > 0 ? kinds.find((k) => k.kind === target.slice(0, colon)) : undefined;
  if (named) return named.resolve(target.slice(colon + 1), options);
  if (target.length === 0) throw new ValidationError('name a job or a work unit', { field: 'target' });
  return kinds[0].resolve(target, options);
}
