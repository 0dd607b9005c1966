import { ValidationError } from '@passerine/core';
import { type BatchTask, fillTask } from './batch-task.ts';
import type { JobDefinition } from './definition.ts';
import type { RegisteredJob } from './registry.ts';
import type { RunIdentity, RunKind } from './run-events.ts';
import { tickDate } from './schedule.ts';

/** A run asked for: who it is and what it would run, before admission decides its fate. */
export interface RunRequest extends RunIdentity {
  definition: JobDefinition;
  version: number;
  task: BatchTask;
}

/** A tick's run id: the same for its scheduled run and a backfill of it, so it runs once. */
export function tickRunId(job: string, tick: number): string {
  return `${job}@${new Date(tick).toISOString()}`;
}

export function partitionRunId(job: string, partition: string): string {
  return `${job}@partition=${partition}`;
}

export interface RunOrigin {
  kind: RunKind;
  tick?: number;
  partition?: string;
  /** Parameters given by hand (manual runs); others come from defaults and the dispatch. */
  given?: Record<string, string>;
  /** For manual runs, a fresh id. */
  manualId?: string;
}

/** The run of a registered job for one tick, partition or hand-given parameters. */
export function requestRun(job: RegisteredJob, origin: RunOrigin): RunRequest {
  const def = job.definition;
  const given = origin.given ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in def.parameters)) {
      throw new ValidationError(`--param ${name}: job ${def.name} declares no parameter ${name}`, {
        field: name,
      });
    }
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(def.parameters)) if (value !== null) params[name] = value;
  if (origin.tick !== undefined) {
    params.tick = new Date(origin.tick).toISOString();
    params.date = tickDate(origin.tick, def.schedule?.timezone ?? 'UTC');
  }
  if (origin.partition !== undefined) params.partition = origin.partition;
  Object.assign(params, given);
  const runId =
    origin.tick !== undefined
      ? tickRunId(def.name, origin.tick)
      : origin.partition !== undefined
        ? partitionRunId(def.name, origin.partition)
        : `${def.name}@manual-${origin.manualId ?? '?'}`;
  const request: RunRequest = {
    runId,
    job: def.name,
    kind: origin.kind,
    params,
    definition: def,
    version: job.version,
    task: fillTask(def, runId, params),
  };
  if (origin.tick !== undefined) request.tick = origin.tick;
  if (origin.partition !== undefined) request.partition = origin.partition;
  return request;
}
