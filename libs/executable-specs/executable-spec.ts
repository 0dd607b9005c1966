import { decodeValue, isCborMap } from '@passerine/cbor';
import { type Name, type RunnerSpec, readRunner, readSpecSettings } from '@passerine/workqueue-api';

/** A work spec that names a runner: its units are run by Passerine on node monitors. */
export interface ExecutableSpec {
  name: Name;
  runner: RunnerSpec;
  /** The spec's max_retries: a failed command is retried this many times (0: it fails at once). */
  maxRetries: number;
  priority: number;
}

/**
 * The spec as stored (its CBOR dict) read as an executable spec, or null when it names no runner.
 * Throws, naming the field, when its runner does not read.
 */
export function readExecutableSpec(bytes: Uint8Array): ExecutableSpec | null {
  const spec = decodeValue(bytes);
  if (!isCborMap(spec)) return null;
  const runner = readRunner(spec);
  if (!runner) return null;
  const settings = readSpecSettings(bytes);
  return { name: settings.name, runner, maxRetries: settings.max_retries, priority: settings.priority };
}
