import type { CborValue } from '@passerine/cbor';
import { PasserineError } from '@passerine/core';
import { pair, pythonTwoMessage } from './wire-write.ts';

/**
 * The store's refusals that Coordinate reported inside the result as [false-ish, message] — a
 * missing spec or unit, "nothing to do", an illegal move — rather than as an RPC error. Transport
 * failures (timeout, unavailable, internal) stay errors: the client must not read them as "no".
 */
const ANSWERED_IN_RESULT = new Set(['not_found', 'validation', 'illegal_state']);

export function isRefusal(err: unknown): err is PasserineError {
  return err instanceof PasserineError && ANSWERED_IN_RESULT.has(err.code);
}

/**
 * Runs a store call answering [value, null], or [falsy, message] when the store refuses; `reword`
 * gives a method its own wording of a refusal where the original's differed.
 */
export async function pairOrRefusal(
  falsy: CborValue,
  run: () => Promise<CborValue>,
  reword: (err: PasserineError) => string | undefined = () => undefined,
): Promise<CborValue> {
  try {
    return pair(await run());
  } catch (err) {
    if (isRefusal(err)) return pair(falsy, reword(err) ?? pythonTwoMessage(err.message));
    throw err;
  }
}

/** control_work_spec and get_work_spec_meta said "no such work spec NAME", unquoted. */
export function noSuchWorkSpecPlain(name: string | Uint8Array) {
  const plain = typeof name === 'string' ? name : Buffer.from(name).toString('latin1');
  return (err: PasserineError) => (err.code === 'not_found' ? `no such work spec ${plain}` : undefined);
}

/** Errors that reach the client as {error: {message}} also read Python 2 style. */
export function asClientError(err: unknown): unknown {
  if (err instanceof PasserineError) {
    const message = pythonTwoMessage(err.message);
    if (message !== err.message) return new PasserineError(err.code, message, err.details);
  }
  return err;
}
