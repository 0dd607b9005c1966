import { type CborValue, isKeyNamed, mapGet, type RpcParams } from '@passerine/cbor';
import { ValidationError } from '@passerine/core';

/** A method's arguments in declaration order; a missing one is undefined. */
export type Args = Array<CborValue | undefined>;

/**
 * Reads positional or keyword params against the parameter names of the Python server's method
 * (what the Python client's keyword calls use). Too many, too few (as Python's call would be) or
 * unknown arguments are refused by name, so a client learns what it got wrong.
 */
export function readArgs(method: string, params: RpcParams, names: readonly string[], optional = 0): Args {
  const required = names.length - optional;
  const takes = () => {
    const count = optional ? `from ${required} to ${names.length}` : `exactly ${names.length}`;
    return `${method}() takes ${count} argument${names.length === 1 ? '' : 's'} (${names.join(', ') || 'none'})`;
  };
  if (Array.isArray(params)) {
    if (params.length > names.length || params.length < required) {
      throw new ValidationError(`${takes()}, got ${params.length}`);
    }
    return names.map((_, i) => params[i]);
  }
  for (const key of params.keys()) {
    if (!names.some((name) => isKeyNamed(key, name))) {
      throw new ValidationError(`${method}() has no parameter ${printable(key)}`);
    }
  }
  const args = names.map((name) => mapGet(params, name));
  const missing = names.slice(0, required).filter((_, i) => args[i] === undefined);
  if (missing.length > 0) throw new ValidationError(`${takes()}; ${missing.join(', ')} missing`);
  return args;
}

function printable(key: CborValue): string {
  if (typeof key === 'string') return `'${key}'`;
  if (key instanceof Uint8Array) return `'${Buffer.from(key).toString('latin1')}'`;
  return typeof key;
}
