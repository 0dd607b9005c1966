import { encode, ValidationError } from '@passerine/core';
import { TASK_LIMITS } from '@passerine/scheduling-protocol';

interface Problem {
  /** Where in the value, e.g. `[2].name`; empty for the value itself. */
  path: string;
  what: string;
}

/**
 * What msgpack carries faithfully between the client and a node: null, booleans, numbers,
 * strings, Dates, byte arrays, and arrays and plain objects of them. Anything else would arrive
 * changed without a word (a Map as `{}`, a class instance without its class) or not at all.
 */
function problem(value: unknown, seen: Set<object>): Problem | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'string':
      return undefined;
    case 'function':
      return { path: '', what: 'is a function' };
    case 'symbol':
      return { path: '', what: 'is a symbol' };
    case 'bigint':
      return { path: '', what: 'is a BigInt' };
  }
  const object = value as object;
  if (object instanceof Date || object instanceof Uint8Array) return undefined;
  if (seen.has(object)) return { path: '', what: 'refers back to itself (a cycle)' };
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      for (const [i, item] of object.entries()) {
        const found = problem(item, seen);
        if (found) return { ...found, path: `[${i}]${found.path}` };
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const name = (object.constructor as { name?: string } | undefined)?.name || 'class instance';
      return { path: '', what: `is a ${name}, which msgpack does not carry (use a plain object or array)` };
    }
    for (const [key, item] of Object.entries(object)) {
      const found = problem(item, seen);
      if (found) return { ...found, path: `.${key}${found.path}` };
    }
    return undefined;
  } finally {
    seen.delete(object);
  }
}

/** A task's argument list as msgpack; refused here, naming the argument, when it cannot travel. */
export function encodeArguments(args: readonly unknown[]): Uint8Array {
  for (const [i, arg] of args.entries()) {
    const found = problem(arg, new Set());
    if (found) {
      const where = found.path ? `argument ${i} at ${found.path}` : `argument ${i}`;
      throw new ValidationError(`${where} cannot be serialised: it ${found.what}`, { field: `args[${i}]` });
    }
  }
  const bytes = encode(args);
  if (bytes.length > TASK_LIMITS.maxArgsBytes) {
    throw new ValidationError(
      `the arguments are ${bytes.length} bytes of msgpack, over the limit of ${TASK_LIMITS.maxArgsBytes}`,
      { field: 'args' },
    );
  }
  return bytes;
}
