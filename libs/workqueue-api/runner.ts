import { type CborMap, type CborValue, isCborMap, mapGet, Tuple } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';
import { type KeyLimit, limitOf, type PackingChoice, parsePacking } from '@passerine/scheduling';

/**
 * What a work spec's `runner` says: how a node monitor runs one of its units. A spec dict with a
 * runner is an executable work spec; frontends pump its units onto node monitors.
 *
 *   runner: {
 *     command: "sh command line" | ["argv0", "arg", ...],   required
 *     env: {NAME: "value"},                                  optional
 *     cwd: "/dir",                                           optional
 *     timeout_s: 600,                                        optional, kill after this long
 *     resources: {cpus: 1, mem_mb: 512, disk_mb: 0},        optional
 *     labels: {zone: "a"},                                   optional, nodes must carry these
 *     packing: {heuristic: "bfd", weights: {cpus: 1, mem_mb: 1}},  optional, how its tasks are
 *                                          bin-packed (ff, ffd, mr, bf, bfd or the long names)
 *     limit: {key: "tenant-a", running: 3, per_second: 10},  optional, a key budget shared by
 *                                          every task naming the key, across the cluster
 *   }
 */
export interface RunnerSpec {
  /** argv: a command line given as one string runs through /bin/sh -c. */
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  resources: { cpus?: number; memMb?: number; diskMb?: number };
  labels: Record<string, string>;
  packing?: PackingChoice;
  limit?: KeyLimit;
}

const RESOURCE_FIELDS = { cpus: 'cpus', mem_mb: 'memMb', disk_mb: 'diskMb' } as const;
const KNOWN_FIELDS = new Set([
  'command',
  'env',
  'cwd',
  'timeout_s',
  'resources',
  'labels',
  'packing',
  'limit',
]);

function invalid(field: string, what: string): never {
  throw new ValidationError(`work spec runner.${field} ${what}`, { field: `runner.${field}` });
}

function textOf(value: CborValue | undefined, field: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return invalid(field, 'must be a string');
}

function argvOf(value: CborValue | undefined): string[] {
  if (value === undefined || value === null) return invalid('command', 'is required');
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const line = textOf(value, 'command');
    if (line.trim() === '') invalid('command', 'must not be empty');
    return ['/bin/sh', '-c', line];
  }
  const items = Array.isArray(value) ? value : value instanceof Tuple ? value.items : undefined;
  if (!items || items.length === 0)
    return invalid('command', 'must be a string or a non-empty list of strings');
  return items.map((item, i) => textOf(item, `command[${i}]`));
}

function textMap(value: CborValue | undefined, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isCborMap(value)) return invalid(field, 'must be a map of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of value.entries) out[textOf(k, `${field} key`)] = textOf(v, `${field}.${String(k)}`);
  return out;
}

function amount(value: CborValue | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return invalid(field, 'must be a number ≥ 0');
  }
  return value;
}

function resourcesOf(value: CborValue | undefined): RunnerSpec['resources'] {
  if (value === undefined || value === null) return {};
  if (!isCborMap(value)) return invalid('resources', 'must be a map like {cpus: 1, mem_mb: 512}');
  const out: RunnerSpec['resources'] = {};
  for (const [key] of value.entries) {
    const name = fieldName(key);
    if (name === undefined || !(name in RESOURCE_FIELDS)) {
      invalid('resources', `has an unknown resource ${String(name ?? key)} (known: cpus, mem_mb, disk_mb)`);
    }
  }
  for (const [wire, name] of Object.entries(RESOURCE_FIELDS)) {
    const given = amount(mapGet(value, wire), `resources.${wire}`);
    if (given !== undefined) out[name] = given;
  }
  return out;
}

/** `packing` with Coordinate's snake-case resource names, checked by the scheduler's own rule. */
function packingOf(value: CborValue | undefined): PackingChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isCborMap(value))
    return invalid('packing', 'must be a map like {heuristic: "bfd", weights: {cpus: 1}}');
  const heuristicValue = mapGet(value, 'heuristic');
  const heuristic =
    heuristicValue instanceof Uint8Array ? textOf(heuristicValue, 'packing.heuristic') : heuristicValue;
  const weightsMap = mapGet(value, 'weights');
  const weights: Record<string, unknown> | undefined = isCborMap(weightsMap) ? {} : undefined;
  if (weightsMap !== undefined && weightsMap !== null && !weights)
    invalid('packing.weights', 'must be a map of numbers');
  for (const [key, weight] of isCborMap(weightsMap) ? weightsMap.entries : []) {
    const name = fieldName(key) ?? String(key);
    weights![(RESOURCE_FIELDS as Record<string, string>)[name] ?? name] = weight;
  }
  try {
    return parsePacking({
      ...(heuristic !== undefined && heuristic !== null && { heuristic }),
      ...(weights && { weights }),
    });
  } catch (err) {
    const { message, details } = err as ValidationError;
    throw new ValidationError(`work spec runner.${message}`, {
      field: `runner.${details?.field ?? 'packing'}`,
    });
  }
}

function limitFrom(value: CborValue | undefined): KeyLimit {
  if (!isCborMap(value))
    return invalid('limit', 'must be a map like {key: "tenant-a", running: 3, per_second: 10}');
  const key = mapGet(value, 'key');
  const perSecond = mapGet(value, 'per_second');
  const running = mapGet(value, 'running');
  try {
    return limitOf(
      {
        key: key instanceof Uint8Array ? textOf(key, 'limit.key') : key,
        ...(running !== undefined && running !== null && { running }),
        ...(perSecond !== undefined && perSecond !== null && { perSecond }),
      },
      'limit',
    );
  } catch (err) {
    const { message, details } = err as ValidationError;
    throw new ValidationError(`work spec runner.${message.replace('limit.perSecond', 'limit.per_second')}`, {
      field: `runner.${details?.field ?? 'limit'}`,
    });
  }
}

/** A field's name, given as text or (by a Python 2 client) as UTF-8 bytes. */
function fieldName(key: CborValue): string | undefined {
  if (typeof key === 'string') return key;
  if (key instanceof Uint8Array) return Buffer.from(key).toString('utf8');
  return undefined;
}

function readRunnerMap(runner: CborMap): RunnerSpec {
  for (const [key] of runner.entries) {
    const name = fieldName(key);
    if (name === undefined || !KNOWN_FIELDS.has(name)) {
      invalid(String(name ?? key), `is not a runner field (known: ${[...KNOWN_FIELDS].join(', ')})`);
    }
  }
  const cwd = mapGet(runner, 'cwd');
  const timeoutS = amount(mapGet(runner, 'timeout_s'), 'timeout_s');
  return {
    argv: argvOf(mapGet(runner, 'command')),
    env: textMap(mapGet(runner, 'env'), 'env'),
    ...(cwd !== undefined && cwd !== null && { cwd: textOf(cwd, 'cwd') }),
    ...(timeoutS !== undefined && { timeoutMs: Math.round(timeoutS * 1000) }),
    resources: resourcesOf(mapGet(runner, 'resources')),
    labels: textMap(mapGet(runner, 'labels'), 'labels'),
    ...(mapGet(runner, 'packing') != null && { packing: packingOf(mapGet(runner, 'packing')) }),
    ...(mapGet(runner, 'limit') != null && { limit: limitFrom(mapGet(runner, 'limit')) }),
  };
}

/** The runner of a decoded spec dict, or undefined when it names none; a malformed one throws. */
export function readRunner(spec: CborMap): RunnerSpec | undefined {
  const runner = mapGet(spec, 'runner');
  if (runner === undefined || runner === null) return undefined;
  if (!isCborMap(runner))
    throw new ValidationError('work spec runner must be a map with a command', { field: 'runner' });
  return readRunnerMap(runner);
}
