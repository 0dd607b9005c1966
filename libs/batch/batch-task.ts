import type { JobDefinition } from './definition.ts';
import { fill } from './template.ts';

/**
 * What a node monitor runs for one attempt of a run: the definition with its parameters filled
 * in, and the artifact it needs (resolved to a digest when the dispatcher could reach the store).
 */
export interface BatchTask
  extends Pick<
    JobDefinition,
    'runner' | 'command' | 'args' | 'image' | 'module' | 'task' | 'export' | 'env'
  > {
  runId: string;
  job: string;
  timeoutMs?: number;
  artifact?: ArtifactPin;
}

/** An artifact as a run names it: what the definition asked for and, once resolved, which bundle. */
export interface ArtifactPin {
  /** `name[:version]` as written in the definition. */
  ref: string;
  name: string;
  /** The version asked for; none: the latest. */
  version?: string;
  /** Filled by the dispatcher when it resolved the ref. */
  resolved?: { version: string; digest: string; file: string };
}

export function splitArtifactRef(ref: string): { name: string; version?: string } {
  const at = ref.indexOf(':');
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), version: ref.slice(at + 1) };
}

/** The definition's templates filled with the run's parameters; a placeholder left empty is refused. */
export function fillTask(def: JobDefinition, runId: string, params: Record<string, string>): BatchTask {
  const one = (text: string, field: string) => fill(text, params, field);
  const task: BatchTask = {
    runId,
    job: def.name,
    runner: def.runner,
    args: def.args.map((arg, i) => one(arg, `args[${i}]`)),
    env: Object.fromEntries(Object.entries(def.env).map(([k, v]) => [k, one(v, `env.${k}`)])),
  };
  if (typeof def.command === 'string') task.command = one(def.command, 'command');
  else if (def.command) task.command = def.command.map((part, i) => one(part, `command[${i}]`));
  for (const key of ['image', 'module', 'task', 'export'] as const) {
    if (def[key] !== undefined) task[key] = one(def[key] as string, key);
  }
  if (def.timeoutMs !== undefined) task.timeoutMs = def.timeoutMs;
  if (def.artifact) task.artifact = { ref: def.artifact, ...splitArtifactRef(def.artifact) };
  return task;
}
