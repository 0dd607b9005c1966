import type { PackingChoice } from './packing-choice.ts';
import type { Resources } from './resources.ts';

/** A process to run, as the shell executor understands it. */
export interface CommandSpec {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

export type Labels = Record<string, string>;

export interface TaskConstraints {
  /** The only nodes this task may run on (data locality). */
  nodes?: string[];
  /** Labels the node must carry, on top of the job's. */
  labels?: Labels;
}

export interface TaskSpec {
  id: string;
  /** Opaque bytes handed to the executor or the external worker... */
  payload?: Uint8Array;
  /** ...or a command to run. Exactly one of the two. */
  command?: CommandSpec;
  resources: Resources;
  constraints?: TaskConstraints;
  /** The work unit the task runs, for a pumped unit: its output is then findable by spec and key. */
  unit?: TaskUnit;
}

/** A work unit as a task names it (names are text or bytes, as in the work queue). */
export interface TaskUnit {
  namespace: string;
  spec: string | Uint8Array;
  key: string | Uint8Array;
}

/**
 * A budget shared by every task that names the same key, across the cluster: at most `running` of
 * them run at once and at most `perSecond` start in any second. Each task is judged by the limit
 * its own job gives; jobs that share a key should give the same one.
 */
export interface KeyLimit {
  key: string;
  running?: number;
  perSecond?: number;
}

export interface JobSpec {
  id: string;
  user: string;
  /** Lower number runs first. */
  priority: number;
  /** d in "probe d·m nodes for m tasks". */
  probeRatio: number;
  /** How many times a task is relaunched after its node died. */
  maxRetries: number;
  /** Labels every node running this job must carry, e.g. { zone: 'a' }. */
  labels: Labels;
  tasks: TaskSpec[];
  /** How its tasks that ask for resources are packed; Satyr's best-fit-decreasing when absent. */
  packing?: PackingChoice;
  /** Where node monitors send each attempt's outcome (value, bounded output) for the submitter. */
  reply?: ReplyTo;
  /** The key budget its tasks draw on (a tenant, an external API). */
  limit?: KeyLimit;
  /** The submit's idempotency key: a repeat within the key's window returns this job. */
  idempotencyKey?: string;
  /** Not placed before this time (ms since the epoch); set only when it was ahead at submit. */
  notBefore?: number;
  /** Its tasks not started by this time (ms since the epoch) expire instead of running. */
  expiresAt?: number;
}

/**
 * The submitter's subject for outcomes: each attempt's end (TaskOutcome of libs/scheduling-protocol)
 * and, with `starts`, its start. Outcomes are not the record (the job's log is); they spare the
 * submitter asking for what it waits for.
 */
export interface ReplyTo {
  subject: string;
  starts?: boolean;
}

/** What a client may send: everything but ids and tasks has a default. */
export interface JobInput {
  id: string;
  user?: string;
  priority?: number;
  probeRatio?: number;
  maxRetries?: number;
  labels?: Labels;
  tasks?: Array<Omit<TaskSpec, 'resources'> & { resources?: Partial<Resources> }>;
  packing?: { heuristic?: string; weights?: Partial<Record<keyof Resources, number>> };
  reply?: ReplyTo;
  limit?: KeyLimit;
  /** A repeat of this submit (same content, same user) within the key's window returns the first job. */
  idempotencyKey?: string;
  /** Not placed before this time (ms since the epoch); one in the past runs now. */
  notBefore?: number;
  /** Its tasks expire unless started within this long of the submit (ms)... */
  ttlMs?: number;
  /** ...or by this time (ms since the epoch). At most one of the two. */
  expiresAt?: number;
}

export const JOB_DEFAULTS = {
  user: 'default',
  priority: 0,
  /** The paper's d = 2; Sparrow's Java code used 1.05, which leaves little room to pick from. */
  probeRatio: 2,
  maxRetries: 3,
} as const;

/** Per-task constrained tasks always get this many probes, as in Sparrow. */
export const PROBES_PER_CONSTRAINED_TASK = 2;
