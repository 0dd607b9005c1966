import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  type DatasetDefinition,
  datasetFileSchema,
  type JobDefinition,
  jobFileSchema,
  toDefinition,
} from './definition.ts';
import { DefinitionError } from './definition-error.ts';
import { cronProblem } from './schedule.ts';
import { placeholders } from './template.ts';

export type DefinitionFile =
  | { kind: 'job'; file: string; definition: JobDefinition }
  | { kind: 'dataset'; file: string; dataset: DatasetDefinition };

/** Largest definition file read: a job is a page of YAML, not a data file. */
export const MAX_DEFINITION_BYTES = 256 * 1024;

/** Parameters a dispatch fills in itself: a tick's time and date, a data set's partition. */
export const TICK_PARAMETERS = ['tick', 'date'] as const;
export const PARTITION_PARAMETERS = ['partition'] as const;

function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function schemaFailure(file: string, error: z.ZodError): never {
  const issue = error.issues[0];
  const field = fieldOf(issue.path);
  const reason =
    issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
  const path = issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys[0] : field;
  throw new DefinitionError(file, path, reason);
}

/** One file of a definitions directory: a job (the default kind) or a data set. */
export function parseDefinitionFile(file: string, text: string): DefinitionFile {
  if (Buffer.byteLength(text) > MAX_DEFINITION_BYTES) {
    throw new DefinitionError(file, '(file)', `is larger than ${MAX_DEFINITION_BYTES} bytes`);
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos ? `line ${e.linePos[0].line} column ${e.linePos[0].col}` : '(file)';
    throw new DefinitionError(
      file,
      where,
      `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DefinitionError(file, '(file)', 'must be a YAML mapping of one job or data set');
  }
  if ((value as { kind?: unknown }).kind === 'dataset') {
    const parsed = datasetFileSchema.safeParse(value);
    if (!parsed.success) schemaFailure(file, parsed.error);
    const { kind: _kind, ...dataset } = parsed.data;
    return { kind: 'dataset', file, dataset };
  }
  const parsed = jobFileSchema.safeParse(value);
  if (!parsed.success) schemaFailure(file, parsed.error);
  const definition = toDefinition(parsed.data);
  checkJob(file, definition);
  return { kind: 'job', file, definition };
}

/** What a runner cannot do without. */
const RUNNER_NEEDS: Record<JobDefinition['runner'], (keyof JobDefinition)[][]> = {
  shell: [['command']],
  docker: [['image']],
  hadoop: [['artifact']],
  python: [['command', 'module']],
  luigi: [['module'], ['task']],
  node: [['module'], ['export']],
};

/** The fields whose text is a template. */
function templates(def: JobDefinition): [string, string][] {
  const out: [string, string][] = [];
  if (typeof def.command === 'string') out.push(['command', def.command]);
  else for (const [i, part] of (def.command ?? []).entries()) out.push([`command[${i}]`, part]);
  for (const [i, arg] of def.args.entries()) out.push([`args[${i}]`, arg]);
  for (const [key, value] of Object.entries(def.env)) out.push([`env.${key}`, value]);
  for (const key of ['image', 'module', 'task', 'export'] as const) {
    if (def[key] !== undefined) out.push([key, def[key] as string]);
  }
  return out;
}

/** Checks what a schema cannot: the runner's own fields, the cron expression, the parameters. */
function checkJob(file: string, def: JobDefinition): void {
  for (const oneOf of RUNNER_NEEDS[def.runner]) {
    if (!oneOf.some((key) => def[key] !== undefined)) {
      throw new DefinitionError(file, oneOf.join(' or '), `the ${def.runner} runner needs it`);
    }
  }
  if (def.schedule) {
    const problem = cronProblem(def.schedule.cron, def.schedule.timezone);
    if (problem) throw new DefinitionError(file, 'schedule.cron', `is not a cron expression: ${problem}`);
  }
  if (def.schedule && def.triggers.length > 0) {
    throw new DefinitionError(file, 'triggers', 'a job has a schedule or triggers, not both');
  }
  const filledByDispatch = new Set<string>([
    ...(def.schedule ? TICK_PARAMETERS : []),
    ...(def.triggers.length ? PARTITION_PARAMETERS : []),
  ]);
  const automatic = def.schedule !== undefined || def.triggers.length > 0;
  for (const [field, template] of templates(def)) {
    for (const name of placeholders(template)) {
      if (name in def.parameters || filledByDispatch.has(name)) continue;
      throw new DefinitionError(file, field, `{${name}} is not a declared parameter`);
    }
  }
  for (const [name, value] of Object.entries(def.parameters)) {
    if (value === null && automatic && !filledByDispatch.has(name)) {
      throw new DefinitionError(
        file,
        `parameters.${name}`,
        'has no default, and its scheduled or triggered runs could not fill it',
      );
    }
  }
}
