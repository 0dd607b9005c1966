import { CborMap, decodeValue, encodeValue, isCborMap, toJsonValue } from '@passerine/cbor';
import type { JobInput } from '@passerine/scheduling';
import { type Name, nameText } from '@passerine/workqueue-api';
import type { ExecutableSpec } from './executable-specs.ts';

/** A unit handed out by get_work, as the store answers it. */
export interface StartedUnit {
  work_spec_name: Name;
  work_unit_key: Name;
  work_unit_data: Uint8Array;
  attempt_id: string;
  /** ms since the epoch */
  expires: number;
}

/** Byte keys that are not UTF-8 reach the command as hex, the only lossless text form of them. */
function keyText(key: Name): string {
  if (typeof key === 'string') return key;
  const text = Buffer.from(key).toString('utf8');
  return Buffer.from(text, 'utf8').equals(Buffer.from(key)) ? text : Buffer.from(key).toString('hex');
}

/**
 * The job that runs one unit: one task with the spec's command. The unit reaches the command in
 * its environment — spec name, key, data as JSON (lossless form, see libs/cbor/json.ts) and the
 * attempt id — so any language can read it without a Passerine library.
 */
export function unitJob(namespace: string, spec: ExecutableSpec, unit: StartedUnit): JobInput {
  const [command, ...args] = spec.runner.argv;
  const { resources, labels, env, cwd, timeoutMs } = spec.runner;
  return {
    id: `wu-${namespace}-${unit.attempt_id}`,
    user: `work-spec:${nameText(spec.name)}`,
    labels,
    tasks: [
      {
        id: 'unit',
        resources,
        command: {
          command,
          args,
          env: {
            ...env,
            PASSERINE_NAMESPACE: namespace,
            PASSERINE_WORK_SPEC: nameText(spec.name),
            PASSERINE_WORK_UNIT_KEY: keyText(unit.work_unit_key),
            PASSERINE_WORK_UNIT_DATA: JSON.stringify(toJsonValue(decodeValue(unit.work_unit_data))),
            PASSERINE_ATTEMPT_ID: unit.attempt_id,
          },
          ...(cwd !== undefined && { cwd }),
          ...(timeoutMs !== undefined && { timeoutMs }),
        },
      },
    ],
  };
}

/** The unit's data with a `traceback` entry, which is where Coordinate keeps why a unit failed. */
export function withTraceback(unitData: Uint8Array, traceback: string): Uint8Array {
  const decoded = decodeValue(unitData);
  const data = isCborMap(decoded) ? decoded : new CborMap([['data', decoded]]);
  const entries = data.entries.filter(([key]) => key !== 'traceback');
  return encodeValue(new CborMap([...entries, ['traceback', traceback]]));
}
