import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@passerine/core';
import type { CommandSpec, Labels, Resources } from '@passerine/scheduling';
import { encodePayload } from '@passerine/scheduling-protocol';
import { encodeArguments } from './arguments.ts';
import { shippableSource } from './inline-function.ts';

/** What every kind of task may add: what it asks of its node, and a deadline. */
export interface TaskBasics {
  /** cpus, memMb and diskMb the task holds on its node while it runs. */
  resources?: Partial<Resources>;
  /** Labels its node must carry. */
  labels?: Labels;
  /** Stopped (and failed) after this long. */
  timeoutMs?: number;
  /**
   * For `Executor.submit` (a job of its own): a repeat of the same submit within a day, from this
   * client or another, gets the first job instead of a second; other content under it is refused.
   */
  idempotencyKey?: string;
}

/** A command: a string runs through `/bin/sh -c`, a list is the program and its arguments. */
export interface CommandTask extends TaskBasics {
  command: string | string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** A command in a container (`docker run --rm`); without `command`, the image's own. */
export interface DockerTask extends TaskBasics {
  image: string;
  command?: string | string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** An exported function of a module on the node's disk (a path, or a file: URL). */
export interface ModuleTask extends TaskBasics {
  module: string;
  export: string;
  args?: unknown[];
}

export type TaskInput = CommandTask | DockerTask | ModuleTask;

/** A task ready to become one task of a job. */
export interface TaskDraft {
  /** What its result is: a function's value, or a process's exit code and output. */
  kind: 'function' | 'process';
  payload?: Uint8Array;
  command?: CommandSpec;
  resources?: Partial<Resources>;
  labels?: Labels;
  idempotencyKey?: string;
}

function fail(field: string, problem: string): never {
  throw new ValidationError(`${field} ${problem}`, { field });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function argv(value: unknown, field: string): string[] {
  if (typeof value === 'string') {
    if (value.trim() === '') fail(field, 'must not be empty');
    return ['/bin/sh', '-c', value];
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== 'string')) {
    fail(field, 'must be a command line or a non-empty list of strings');
  }
  return value as string[];
}

function strings(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    fail(field, 'must be an object of strings');
  }
  return value as Record<string, string>;
}

function timeout(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2_147_483_647) {
    fail('timeoutMs', 'must be a whole number of milliseconds from 1 to 2,147,483,647');
  }
  return value;
}

function basics(task: TaskBasics): Pick<TaskDraft, 'resources' | 'labels' | 'idempotencyKey'> {
  if (
    task.idempotencyKey !== undefined &&
    (typeof task.idempotencyKey !== 'string' || task.idempotencyKey === '')
  )
    fail('idempotencyKey', 'must be a non-empty string');
  return {
    ...(task.resources !== undefined && { resources: task.resources }),
    ...(task.labels !== undefined && { labels: task.labels }),
    ...(task.idempotencyKey !== undefined && { idempotencyKey: task.idempotencyKey }),
  };
}

/** A module path as the node should find it: relative paths are taken from this process' directory. */
function modulePath(module: unknown): string {
  if (typeof module !== 'string' || module === '') fail('module', 'must be a path or a file: URL');
  if (module.startsWith('file:')) return fileURLToPath(module);
  return isAbsolute(module) ? module : resolve(module);
}

/** A task given as an object: checked field by field here, at the call. */
export function draftOf(task: TaskInput): TaskDraft {
  if (!isObject(task)) fail('task', 'must be an object with command, image or module, or a function');
  const timeoutMs = timeout(task.timeoutMs);
  if ('module' in task) {
    if (typeof task.export !== 'string' || task.export === '')
      fail('export', 'must name an exported function');
    if (task.args !== undefined && !Array.isArray(task.args)) fail('args', 'must be a list');
    const fn = { modulePath: modulePath(task.module), exportName: task.export };
    const args = encodeArguments(task.args ?? []);
    return {
      kind: 'function',
      payload: encodePayload({ kind: 'call', fn, args, timeoutMs }),
      ...basics(task),
    };
  }
  if ('image' in task) {
    if (typeof task.image !== 'string' || task.image === '') fail('image', 'must name a container image');
    const payload = encodePayload({
      kind: 'docker',
      image: task.image,
      ...(task.command !== undefined && { command: argv(task.command, 'command') }),
      ...(task.env !== undefined && { env: strings(task.env, 'env') }),
      ...(task.cwd !== undefined && { cwd: String(task.cwd) }),
      ...(timeoutMs !== undefined && { timeoutMs }),
    });
    return { kind: 'process', payload, ...basics(task) };
  }
  if (!('command' in task)) fail('task', 'must have command, image or module (or be a function)');
  const [command, ...args] = argv(task.command, 'command');
  const env = strings(task.env, 'env');
  if (task.cwd !== undefined && (typeof task.cwd !== 'string' || task.cwd === ''))
    fail('cwd', 'must be a path');
  const spec: CommandSpec = {
    command,
    args,
    ...(env && { env }),
    ...(task.cwd !== undefined && { cwd: task.cwd }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
  return { kind: 'process', command: spec, ...basics(task) };
}

/** An inline function and its arguments: the source checked and shipped, the arguments msgpack. */
export function functionDraft(source: string, args: readonly unknown[], options: TaskBasics = {}): TaskDraft {
  const timeoutMs = timeout(options.timeoutMs);
  const payload = encodePayload({ kind: 'call', fn: { source }, args: encodeArguments(args), timeoutMs });
  return { kind: 'function', payload, ...basics(options) };
}

export { shippableSource };
