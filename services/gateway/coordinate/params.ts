import { type CborValue, isKeyNamed, mapGet, type RpcParams } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';

/** A method's arguments in declaration order; a missing one is undefined. */
export type Args = Array<CborValue | undefined>;

/**
 * Reads positional or keyword params against the parameter names of the Python server's method
 * (what the Python client's keyword calls use). Too many or unknown arguments are refused by name,
 * so a client learns what it got wrong instead of getting a silent default.
 */
export function readArgs(method: string, params: RpcParams, names: readonly string[]): Args {
  if (Array.isArray(params)) {
    if (params.length > names.length) {
      throw new ValidationError(
        `${method}() takes at most ${names.length} arguments (${names.join(', ') || 'none'}), got ${params.length}`,
      );
    }
    return names.map((_, i) => params[i]);
  }
  for (const key of params.keys()) {
    if (!names.some((name) => isKeyNamed(key, name))) {
      throw new ValidationError(`${method}() has no parameter ${printable(key)}`);
    }
  }
  return names.map((name) => mapGet(params, name));
}

function printable(key: CborValue): string {
  if (typeof key === 'string') return `'${key}'`;
  if (key instanceof Uint8Array) return `'${Buffer.from(key).toString('latin1')}'`;
  return typeof key;
}
