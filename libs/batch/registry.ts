import type { NewEvent } from '@passerine/core';
import { canonicalJson } from './canonical.ts';
import type { DatasetDefinition, JobDefinition } from './definition.ts';
import { DefinitionError } from './definition-error.ts';
import type { DefinitionFile } from './definition-file.ts';

/** Events of the definitions registry (one subject: `names.batchDefinitions`). */
export type RegistryEvent =
  | NewEvent<'JobDefinitionRegistered', { definition: JobDefinition; file: string; version: number }>
  | NewEvent<'JobDefinitionRetired', { name: string; version: number }>
  | NewEvent<'DatasetDeclared', { dataset: DatasetDefinition; file: string }>
  | NewEvent<'DatasetRetired', { name: string }>;

export interface RegisteredJob {
  definition: JobDefinition;
  file: string;
  version: number;
  /** Canonical JSON of the definition: re-applying an equal one changes nothing. */
  digest: string;
}

export interface Registry {
  jobs: Map<string, RegisteredJob>;
  datasets: Map<string, { dataset: DatasetDefinition; file: string; digest: string }>;
  /** The version a job gets when registered again after being retired. */
  retiredVersions: Map<string, number>;
}

export function initialRegistry(): Registry {
  return { jobs: new Map(), datasets: new Map(), retiredVersions: new Map() };
}

/** Registers a directory: its files are the whole set, so a job or data set no file defines is retired. */
export interface ApplyDefinitions {
  type: 'ApplyDefinitions';
  files: DefinitionFile[];
}

export interface RegistryContext {
  /** Whether the artifact store holds `name[:version]`. */
  artifactExists(ref: string): boolean;
}

/** Checks the files together (names unique, triggers and artifacts that exist) and says what changed. */
export function decideApply(
  command: ApplyDefinitions,
  state: Registry,
  ctx: RegistryContext,
): RegistryEvent[] {
  const seen = new Map<string, string>();
  const datasets = new Set<string>();
  for (const f of command.files) {
    const name = f.kind === 'job' ? f.definition.name : f.dataset.name;
    const key = `${f.kind}:${name}`;
    const other = seen.get(key);
    if (other) throw new DefinitionError(f.file, 'name', `${f.kind} ${name} is also defined in ${other}`);
    seen.set(key, f.file);
    if (f.kind === 'dataset') datasets.add(name);
  }
  const events: RegistryEvent[] = [];
  for (const f of command.files) {
    if (f.kind !== 'job') continue;
    const def = f.definition;
    def.triggers.forEach((trigger, i) => {
      if (!datasets.has(trigger)) {
        throw new DefinitionError(
          f.file,
          `triggers[${i}]`,
          `names no data set (${trigger} is defined by no file)`,
        );
      }
    });
    if (def.artifact && !ctx.artifactExists(def.artifact)) {
      throw new DefinitionError(f.file, 'artifact', `${def.artifact} is not in the artifact store`);
    }
    const digest = canonicalJson(def);
    const registered = state.jobs.get(def.name);
    if (registered?.digest === digest && registered.file === f.file) continue;
    const version = (registered?.version ?? state.retiredVersions.get(def.name) ?? 0) + 1;
    events.push({ type: 'JobDefinitionRegistered', data: { definition: def, file: f.file, version } });
  }
  for (const f of command.files) {
    if (f.kind !== 'dataset') continue;
    const registered = state.datasets.get(f.dataset.name);
    if (registered?.digest === canonicalJson(f.dataset) && registered.file === f.file) continue;
    events.push({ type: 'DatasetDeclared', data: { dataset: f.dataset, file: f.file } });
  }
  for (const [name, job] of state.jobs) {
    if (!seen.has(`job:${name}`))
      events.push({ type: 'JobDefinitionRetired', data: { name, version: job.version } });
  }
  for (const name of state.datasets.keys()) {
    if (!seen.has(`dataset:${name}`)) events.push({ type: 'DatasetRetired', data: { name } });
  }
  return events;
}

/** Applies one registry event in place (see libs/core's Decider on why in place). */
export function evolveRegistry(state: Registry, event: RegistryEvent): Registry {
  switch (event.type) {
    case 'JobDefinitionRegistered': {
      const { definition, file, version } = event.data;
      state.jobs.set(definition.name, { definition, file, version, digest: canonicalJson(definition) });
      state.retiredVersions.delete(definition.name);
      return state;
    }
    case 'JobDefinitionRetired':
      state.jobs.delete(event.data.name);
      state.retiredVersions.set(event.data.name, event.data.version);
      return state;
    case 'DatasetDeclared': {
      const { dataset, file } = event.data;
      state.datasets.set(dataset.name, { dataset, file, digest: canonicalJson(dataset) });
      return state;
    }
    case 'DatasetRetired':
      state.datasets.delete(event.data.name);
      return state;
  }
}

export const REGISTRY_EVENT_TYPES = new Set<string>([
  'JobDefinitionRegistered',
  'JobDefinitionRetired',
  'DatasetDeclared',
  'DatasetRetired',
]);
