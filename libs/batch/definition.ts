import { z } from 'zod';

/** The ways a run's command is carried out on a node monitor (see runner-command.ts). */
export const RUNNERS = ['shell', 'docker', 'hadoop', 'python', 'luigi', 'node'] as const;
export type RunnerName = (typeof RUNNERS)[number];

/** What to do with the ticks that passed while no dispatcher ran. */
export const MISSED_POLICIES = ['once', 'skip'] as const;
export type MissedPolicy = (typeof MISSED_POLICIES)[number];

export interface Schedule {
  cron: string;
  timezone: string;
  missed: MissedPolicy;
}

export interface RetryPolicy {
  /** Attempts after the first. */
  max: number;
  /** Wait before the first retry; each later one waits twice as long, up to backoffMaxMs. */
  backoffMs: number;
  backoffMaxMs: number;
}

/** A job definition as registered: a named, versioned description of batch work. */
export interface JobDefinition {
  name: string;
  description?: string;
  runner: RunnerName;
  /** shell: a string for /bin/sh -c or an argv list; python: the script and its arguments. */
  command?: string | string[];
  args: string[];
  /** docker: the image. */
  image?: string;
  /** python: a module run with -m; luigi: the task's module; node: the module file. */
  module?: string;
  /** luigi: the task class. */
  task?: string;
  /** node: the module's export called. */
  export?: string;
  env: Record<string, string>;
  /** Declared parameters and their defaults (null: no default). */
  parameters: Record<string, string | null>;
  resources: { cpus: number; memMb: number; diskMb: number };
  retries: RetryPolicy;
  timeoutMs?: number;
  schedule?: Schedule;
  /** Data sets whose partitions, once all announced, induce a run for that partition. */
  triggers: string[];
  /** `name[:version]` of a bundle pushed with `passerine artifacts push`; latest when no version. */
  artifact?: string;
  /** Runs of this job at once, across the cluster; none given: no limit. */
  concurrency?: number;
  labels: Record<string, string>;
}

/** A data set that jobs can be triggered by: its partitions are announced. */
export interface DatasetDefinition {
  name: string;
  description?: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const name = z.string().regex(NAME, 'must be 1 to 64 lower-case letters, digits, - or _');
const text = z.string().min(1, 'must not be empty');
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const seconds = (max: number) =>
  z.number().positive('must be more than 0').max(max, `must be at most ${max}`);
export const ARTIFACT_REF = /^[a-z0-9][a-z0-9_-]{0,63}(:[A-Za-z0-9_.-]{1,64})?$/;

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schedule = z.strictObject({
  cron: text,
  timezone: z.string().refine(validTimezone, 'is not a known IANA time zone').default('UTC'),
  missed: z.enum(MISSED_POLICIES).default('once'),
});

const retries = z
  .strictObject({
    max: z.number().int().min(0).max(100).default(0),
    backoff_s: seconds(86_400).default(10),
    max_backoff_s: seconds(86_400).default(3_600),
  })
  .default({ max: 0, backoff_s: 10, max_backoff_s: 3_600 });

/** The YAML shape of a job file (snake_case, as the work-spec runner's fields are). */
export const jobFileSchema = z.strictObject({
  kind: z.literal('job').optional(),
  name,
  description: z.string().optional(),
  runner: z.enum(RUNNERS),
  command: z.union([text, z.array(z.string()).min(1, 'must not be empty')]).optional(),
  args: z.array(scalar).default([]),
  image: text.optional(),
  module: text.optional(),
  task: text.optional(),
  export: text.optional(),
  env: z.record(z.string(), scalar).default({}),
  parameters: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), scalar.nullable()).default({}),
  resources: z
    .strictObject({
      cpus: z.number().min(0).default(0),
      mem_mb: z.number().int().min(0).default(0),
      disk_mb: z.number().int().min(0).default(0),
    })
    .default({ cpus: 0, mem_mb: 0, disk_mb: 0 }),
  retries,
  timeout_s: seconds(30 * 86_400).optional(),
  schedule: schedule.optional(),
  triggers: z.array(name).default([]),
  artifact: z.string().regex(ARTIFACT_REF, 'must be name or name:version').optional(),
  concurrency: z.number().int().min(1).max(100_000).optional(),
  labels: z.record(z.string(), z.string()).default({}),
});

export const datasetFileSchema = z.strictObject({
  kind: z.literal('dataset'),
  name,
  description: z.string().optional(),
});

export type JobFile = z.infer<typeof jobFileSchema>;

/** The registered form of a parsed job file. */
export function toDefinition(file: JobFile): JobDefinition {
  const def: JobDefinition = {
    name: file.name,
    runner: file.runner,
    args: file.args,
    env: file.env,
    parameters: file.parameters,
    resources: { cpus: file.resources.cpus, memMb: file.resources.mem_mb, diskMb: file.resources.disk_mb },
    retries: {
      max: file.retries.max,
      backoffMs: file.retries.backoff_s * 1000,
      backoffMaxMs: file.retries.max_backoff_s * 1000,
    },
    triggers: file.triggers,
    labels: file.labels,
  };
  for (const key of ['description', 'command', 'image', 'module', 'task', 'export', 'artifact'] as const) {
    if (file[key] !== undefined) (def as unknown as Record<string, unknown>)[key] = file[key];
  }
  if (file.timeout_s !== undefined) def.timeoutMs = Math.round(file.timeout_s * 1000);
  if (file.schedule) def.schedule = file.schedule;
  if (file.concurrency !== undefined) def.concurrency = file.concurrency;
  return def;
}
