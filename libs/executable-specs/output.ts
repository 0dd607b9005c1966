import { type CborValue, fromJsonValue, type JsonValue } from '@passerine/cbor';
import { OUTPUT_LINE_PREFIX } from '@passerine/config';

/**
 * What a pumped command says back besides its exit status. A stdout line `PASSERINE_OUTPUT=<json>`
 * is the unit's output (a JSON object key → data, or a list of keys, as Coordinate's `output`),
 * which the spec's `then` turns into units of the next spec; the last such line counts. Stderr's
 * last lines go into the traceback of a failure. The prefix belongs to the contract with commands
 * that `@passerine/config` names, beside the variables they are given.
 */
export { OUTPUT_LINE_PREFIX };

/** Stderr lines kept per task for the traceback of a failure. */
export const STDERR_TAIL_LINES = 20;

export type OutputRead = { output: CborValue } | { error: string };

/** The output an output line carries, or why it cannot be a unit's output. */
export function readOutputLine(line: string): OutputRead {
  let json: JsonValue;
  try {
    json = JSON.parse(line.slice(OUTPUT_LINE_PREFIX.length));
  } catch (err) {
    return { error: `${OUTPUT_LINE_PREFIX} is not followed by JSON (${(err as Error).message})` };
  }
  if (json === null || typeof json !== 'object') {
    return {
      error: `${OUTPUT_LINE_PREFIX} must be followed by a JSON object (key → data) or a list of keys`,
    };
  }
  return { output: fromJsonValue(json) };
}

export interface TaskEnd {
  exitCode?: number | null;
  error?: string;
}

/** Why a task failed: its exit status, the error the node monitor saw, and its last stderr lines. */
export function tracebackOf(task: TaskEnd, stderrTail: readonly string[]): string {
  const status =
    task.exitCode === null || task.exitCode === undefined ? 'no exit status' : `exit status ${task.exitCode}`;
  const head = task.error ? `${status}: ${task.error}` : status;
  return stderrTail.length === 0 ? head : `${head}\nlast lines on stderr:\n${stderrTail.join('\n')}`;
}
