import type { StartedWork } from '@passerine/workqueue';
import { CborMap, type CborValue, decodeValue, encodeValue, isCborMap, toJsonValue } from '@passerine/cbor';
import { CommandVariable } from '@passerine/config';
import { ValidationError } from '@passerine/core';
import type { JobInput } from '@passerine/scheduling';
import { type Name, nameText } from '@passerine/workqueue-api';
import type { ExecutableSpec } from './executable-spec.ts';

/** A unit handed out by get_work, as the store answers it. */

export type UnitTaskInput = NonNullable<JobInput['tasks']>[number];

/**
 * One environment string may hold at most 128 KiB on Linux (MAX_ARG_STRLEN): a unit whose data
 * does not fit fails with this said, rather than a launch that dies with E2BIG.
 */
export const MAX_UNIT_DATA_CHARS = 120 * 1024;

/** Byte keys that are not UTF-8 reach the command as hex, the only lossless text form of them. */
function keyText(key: Name): string {
  if (typeof key === 'string') return key;
  const text = Buffer.from(key).toString('utf8');
  return Buffer.from(text, 'utf8').equals(Buffer.from(key)) ? text : Buffer.from(key).toString('hex');
}

/**
 * The task that runs one unit: the spec's command, with the unit in its environment — spec name,
 * key, data as JSON (lossless form, see libs/cbor/json.ts) and the attempt id — so any language
 * can read it without a Passerine library.
 */
export function unitTask(
  namespace: string,
  spec: ExecutableSpec,
  unit: StartedWork,
  taskId: string,
): UnitTaskInput {
  const [command, ...args] = spec.runner.argv;
  const { resources, env, cwd, timeoutMs } = spec.runner;
  const data = JSON.stringify(toJsonValue(decodeValue(unit.work_unit_data)));
  if (data.length > MAX_UNIT_DATA_CHARS) {
    throw new ValidationError(
      `work unit data is ${data.length} characters of JSON, more than the ${MAX_UNIT_DATA_CHARS} a command's environment can carry`,
      { field: 'data' },
    );
  }
  return {
    id: taskId,
    resources,
    unit: { namespace, spec: spec.name, key: unit.work_unit_key },
    command: {
      command,
      args,
      env: {
        ...env,
        [CommandVariable.namespace]: namespace,
        [CommandVariable.workSpec]: nameText(spec.name),
        [CommandVariable.workUnitKey]: keyText(unit.work_unit_key),
        [CommandVariable.workUnitData]: data,
        [CommandVariable.attemptId]: unit.attempt_id,
      },
      ...(cwd !== undefined && { cwd }),
      ...(timeoutMs !== undefined && timeoutMs > 0 && { timeoutMs }),
    },
  };
}

/** The unit's data as a map (a non-map value is kept under `data`), with `key` set to `value`. */
function withEntry(unitData: Uint8Array, key: string, value: CborValue): Uint8Array {
  const decoded = decodeValue(unitData);
  const data = isCborMap(decoded) ? decoded : new CborMap([['data', decoded]]);
  const entries = data.entries.filter(([k]) => k !== key);
  return encodeValue(new CborMap([...entries, [key, value]]));
}

/** The unit's data with a `traceback` entry, which is where Coordinate keeps why a unit failed. */
export function withTraceback(unitData: Uint8Array, traceback: string): Uint8Array {
  return withEntry(unitData, 'traceback', traceback);
}

/** The unit's data with an `output` entry, which Coordinate turns into units of the `then` spec. */
export function withOutput(unitData: Uint8Array, output: CborValue): Uint8Array {
  return withEntry(unitData, 'output', output);
}
