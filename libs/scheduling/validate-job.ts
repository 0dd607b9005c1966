import { UnavailableError, ValidationError } from '@passerine/core';
import {
  JOB_DEFAULTS,
  type CommandSpec,
  type JobSpec,
  type KeyLimit,
  type Labels,
  type ReplyTo,
  type TaskSpec,
  type TaskUnit,
} from './job-spec.ts';
import { type NodeView, nodeCanRun } from './node-view.ts';
import { jobTimesOf } from './job-times.ts';
import { parsePacking } from './packing-choice.ts';
import { RESOURCE_NAMES, type Resources } from './resources.ts';

type Fields = Record<string, unknown>;

function fail(field: string, problem: string, value?: unknown): never {
  throw new ValidationError(`${field} ${problem}`, { field, value });
}

function isObject(value: unknown): value is Fields {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(field, 'must be a non-empty string', value);
  return value;
}

function number(value: unknown, field: string, { min = 0, integer = false, above = false } = {}): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (above ? value > min : value >= min);
  if (!ok || (integer && !Number.isInteger(value))) {
    fail(field, `must be ${integer ? 'an integer' : 'a number'} ${above ? '>' : '>='} ${min}`, value);
  }
  return value as number;
}

function labels(value: unknown, field: string): Labels {
  if (value === undefined) return {};
  if (!isObject(value)) fail(field, 'must be an object of string labels', value);
  for (const [key, label] of Object.entries(value)) {
    if (typeof label !== 'string') fail(`${field}.${key}`, 'must be a string', label);
  }
  return value as Labels;
}

function resourcesOf(value: unknown, field: string): Resources {
  if (value === undefined) return { cpus: 0, memMb: 0, diskMb: 0 };
  if (!isObject(value)) fail(field, 'must be an object { cpus, memMb, diskMb }', value);
  const out = { cpus: 0, memMb: 0, diskMb: 0 };
  for (const name of RESOURCE_NAMES) {
    if (value[name] !== undefined) out[name] = number(value[name], `${field}.${name}`);
  }
  return out;
}

function commandOf(value: unknown, field: string): CommandSpec {
  if (!isObject(value)) fail(field, 'must be an object { command, args, env, cwd, timeoutMs }', value);
  const out: CommandSpec = { command: text(value.command, `${field}.command`) };
  if (value.args !== undefined) {
    if (!Array.isArray(value.args) || value.args.some((arg) => typeof arg !== 'string')) {
      fail(`${field}.args`, 'must be an array of strings', value.args);
    }
    out.args = value.args as string[];
  }
  if (value.env !== undefined) out.env = labels(value.env, `${field}.env`);
  if (value.cwd !== undefined) out.cwd = text(value.cwd, `${field}.cwd`);
  if (value.timeoutMs !== undefined)
    out.timeoutMs = number(value.timeoutMs, `${field}.timeoutMs`, { above: true });
  return out;
}

function taskOf(value: unknown, field: string): TaskSpec {
  if (!isObject(value)) fail(field, 'must be an object', value);
  const task: TaskSpec = {
    id: text(value.id, `${field}.id`),
    resources: resourcesOf(value.resources, `${field}.resources`),
  };
  const hasPayload = value.payload !== undefined;
  const hasCommand = value.command !== undefined;
  if (hasPayload === hasCommand) fail(field, 'must have exactly one of payload or command');
  if (hasPayload) {
    if (!(value.payload instanceof Uint8Array)) fail(`${field}.payload`, 'must be bytes', value.payload);
    task.payload = value.payload;
  } else {
    task.command = commandOf(value.command, `${field}.command`);
  }
  if (value.constraints !== undefined) {
    const c = value.constraints;
    if (!isObject(c)) fail(`${field}.constraints`, 'must be an object { nodes, labels }', c);
    task.constraints = {};
    if (c.nodes !== undefined) {
      if (!Array.isArray(c.nodes) || c.nodes.length === 0 || c.nodes.some((n) => typeof n !== 'string')) {
        fail(`${field}.constraints.nodes`, 'must be a non-empty array of node ids', c.nodes);
      }
      task.constraints.nodes = c.nodes as string[];
    }
    if (c.labels !== undefined) task.constraints.labels = labels(c.labels, `${field}.constraints.labels`);
  }
  if (value.unit !== undefined) task.unit = unitOf(value.unit, `${field}.unit`);
  return task;
}

function nameOf(value: unknown, field: string): string | Uint8Array {
  if (value instanceof Uint8Array && value.length > 0) return value;
  return text(value, field);
}

function unitOf(value: unknown, field: string): TaskUnit {
  if (!isObject(value)) fail(field, 'must be an object { namespace, spec, key }', value);
  return {
    namespace: text(value.namespace, `${field}.namespace`),
    spec: nameOf(value.spec, `${field}.spec`),
    key: nameOf(value.key, `${field}.key`),
  };
}

/** A key is one KV key of the limits bucket: letters, digits and - _ = / . (no leading or double dot). */
const LIMIT_KEY = /^(?=.{1,128}$)[A-Za-z0-9_=/-]+(\.[A-Za-z0-9_=/-]+)*$/;

export function limitOf(value: unknown, field = 'limit'): KeyLimit {
  if (!isObject(value)) fail(field, 'must be an object { key, running, perSecond }', value);
  if (typeof value.key !== 'string' || !LIMIT_KEY.test(value.key))
    fail(`${field}.key`, 'must be 1-128 letters, digits, - _ = / or single dots', value.key);
  if (value.running === undefined && value.perSecond === undefined)
    fail(field, 'must set running, perSecond or both', value);
  return {
    key: value.key,
    ...(value.running !== undefined && {
      running: number(value.running, `${field}.running`, { min: 1, integer: true }),
    }),
    ...(value.perSecond !== undefined && {
      perSecond: number(value.perSecond, `${field}.perSecond`, { above: true }),
    }),
  };
}

/** A NATS subject to publish to: tokens of printable characters, no wildcards. */
const PUBLISH_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

function replyOf(value: unknown): ReplyTo {
  if (!isObject(value)) fail('reply', 'must be an object { subject, starts }', value);
  if (
    typeof value.subject !== 'string' ||
    !PUBLISH_SUBJECT.test(value.subject) ||
    value.subject.length > 256
  ) {
    fail('reply.subject', 'must be a NATS subject without wildcards (at most 256 characters)', value.subject);
  }
  if (value.starts !== undefined && typeof value.starts !== 'boolean') {
    fail('reply.starts', 'must be true or false', value.starts);
  }
  return value.starts ? { subject: value.subject, starts: true } : { subject: value.subject };
}

/**
 * Checks a submitted job field by field and fills in the defaults. No tasks is valid. Its
 * not-before and time to live are judged against `now` (see jobTimesOf).
 */
export function parseJob(input: unknown, now = Date.now()): JobSpec {
  if (!isObject(input)) fail('job', 'must be an object', input);
  const tasksInput = input.tasks ?? [];
  if (!Array.isArray(tasksInput)) fail('tasks', 'must be an array', tasksInput);
  const tasks = tasksInput.map((task, i) => taskOf(task, `tasks[${i}]`));
  const seen = new Set<string>();
  for (const [i, task] of tasks.entries()) {
    if (seen.has(task.id)) fail(`tasks[${i}].id`, `repeats task id '${task.id}'`, task.id);
    seen.add(task.id);
  }
  return {
    id: text(input.id, 'id'),
    user: input.user === undefined ? JOB_DEFAULTS.user : text(input.user, 'user'),
    priority:
      input.priority === undefined
        ? JOB_DEFAULTS.priority
        : number(input.priority, 'priority', { min: -Infinity, integer: true }),
    probeRatio:
      input.probeRatio === undefined
        ? JOB_DEFAULTS.probeRatio
        : number(input.probeRatio, 'probeRatio', { min: 1 }),
    maxRetries:
      input.maxRetries === undefined
        ? JOB_DEFAULTS.maxRetries
        : number(input.maxRetries, 'maxRetries', { integer: true }),
    labels: labels(input.labels, 'labels'),
    tasks,
    ...(input.packing !== undefined && { packing: parsePacking(input.packing) }),
    ...(input.reply !== undefined && { reply: replyOf(input.reply) }),
    ...(input.limit !== undefined && { limit: limitOf(input.limit) }),
    ...jobTimesOf(input, now),
  };
}

/**
 * Rejects a job no node in the membership view could ever run: its labels match no node, or a
 * task's allowed nodes, labels and resources leave no node. The message says which and why.
 */
export function checkPlaceable(job: JobSpec, nodes: readonly NodeView[]): void {
  if (job.tasks.length === 0) return;
  if (nodes.length === 0) throw new UnavailableError('no node monitor is live to run the job on');
  const labelled = nodes.filter((node) => Object.entries(job.labels).every(([k, v]) => node.labels[k] === v));
  if (labelled.length === 0) fail('labels', `match no node (${JSON.stringify(job.labels)})`, job.labels);
  for (const [i, task] of job.tasks.entries()) {
    if (labelled.some((node) => nodeCanRun(node, job.labels, task))) continue;
    const field = `tasks[${i}]`;
    const allowed = labelled.filter(
      (node) => !task.constraints?.nodes || task.constraints.nodes.includes(node.id),
    );
    if (allowed.length === 0)
      fail(`${field}.constraints.nodes`, 'name no node that matches the job labels', task.constraints?.nodes);
    const withLabels = allowed.filter((node) =>
      nodeCanRun(node, {}, { ...task, resources: { cpus: 0, memMb: 0, diskMb: 0 } }),
    );
    if (withLabels.length === 0)
      fail(`${field}.constraints.labels`, 'match no allowed node', task.constraints?.labels);
    const largest = withLabels.reduce((a, b) => (b.capacity.cpus > a.capacity.cpus ? b : a));
    fail(
      `${field}.resources`,
      `exceed the capacity of every allowed node: it asks for ${JSON.stringify(task.resources)}, the largest (${largest.id}) has ${JSON.stringify(largest.capacity)}`,
      task.resources,
    );
  }
}
