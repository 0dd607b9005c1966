import { runInNewContext } from 'node:vm';
import { ValidationError } from '@passerine/core';
import { TASK_LIMITS } from '@passerine/scheduling-protocol';
import { type Program, parse } from 'acorn';
import { analyze } from 'eslint-scope';

/**
 * What an inline function may use besides its arguments: the language's own globals (Math, JSON,
 * Date, …, read from a fresh context) and what every worker thread has (console, timers, URL, …).
 * Anything else it names comes from the scope it was written in, which does not travel with it.
 */
const STANDARD_GLOBALS = new Set<string>([
  ...(runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]),
  'console',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
  'structuredClone',
  'TextEncoder',
  'TextDecoder',
  'URL',
  'URLSearchParams',
  'AbortController',
  'AbortSignal',
  'atob',
  'btoa',
  'performance',
  'crypto',
  'fetch',
  'Buffer',
  'process',
]);

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * The source as an expression that evaluates to the function — `(x) => x`, or a method's
 * (`m(x) { … }` as toString gives it) — and its syntax tree, a program of that one expression.
 */
function asExpression(source: string): { expression: string; program: Program } {
  for (const expression of [`(${source})`, `Object.values({${source}})[0]`]) {
    try {
      const program = parse(`${expression};`, { ecmaVersion: 'latest', ranges: true });
      if (program.body.length === 1 && program.body[0].type === 'ExpressionStatement')
        return { expression, program };
    } catch {
      // Not this form; try the next.
    }
  }
  throw new ValidationError('the function cannot be shipped: its source does not parse', { field: 'fn' });
}

/** Names the program reads that nothing in it declares. */
function freeVariables(program: Program): string[] {
  // biome-ignore lint/suspicious/noExplicitAny: acorn's ESTree nodes, as eslint-scope reads them
  const scopes = analyze(program as any, { ecmaVersion: 2022, sourceType: 'script' });
  const names = scopes.globalScope!.through.map((ref) => ref.identifier.name);
  return [...new Set(names)].filter((name) => !STANDARD_GLOBALS.has(name) && name !== 'Object');
}

/**
 * The source of an inline function, checked so that it runs the same on a node: no free variables
 * (refused here, naming them), no native or bound function, no class, and within the size limit.
 * Returns an expression that evaluates to the function in the node's worker thread.
 */
export function shippableSource(fn: unknown): string {
  if (typeof fn !== 'function')
    throw new ValidationError('a task function must be a function', { field: 'fn' });
  const source = Function.prototype.toString.call(fn);
  if (NATIVE.test(source)) {
    throw new ValidationError(
      'the function cannot be shipped: it is native or bound (ship a plain function, or name a module export)',
      { field: 'fn' },
    );
  }
  if (/^class\b/.test(source)) throw new ValidationError('a class is not a task function', { field: 'fn' });
  if (Buffer.byteLength(source) > TASK_LIMITS.maxSourceBytes) {
    throw new ValidationError(
      `the function's source is ${Buffer.byteLength(source)} bytes, over the limit of ${TASK_LIMITS.maxSourceBytes}: name a module export instead`,
      { field: 'fn' },
    );
  }
  const { expression, program } = asExpression(source);
  const free = freeVariables(program);
  if (free.length > 0) {
    const list = free.map((name) => `'${name}'`).join(', ');
    throw new ValidationError(
      `the function uses ${list} from the scope it was written in, which does not travel with it: pass ${free.length > 1 ? 'them' : 'it'} as an argument, or name a module export instead`,
      { field: 'fn', freeVariables: free },
    );
  }
  return expression;
}
