import { ValidationError } from '@passerine/core';
import { DEFAULT_WEIGHTS, type PackingStrategy, type ResourceWeights } from './bin-packing.ts';
import { RESOURCE_NAMES } from './resources.ts';

/** Satyr's short names of the heuristics, accepted beside the long ones. */
export const HEURISTIC_SHORT_NAMES = {
  ff: 'first-fit',
  ffd: 'first-fit-decreasing',
  mr: 'max-rest',
  bf: 'best-fit',
  bfd: 'best-fit-decreasing',
} as const satisfies Record<string, PackingStrategy>;

export type HeuristicShortName = keyof typeof HEURISTIC_SHORT_NAMES;
/** A heuristic by either of its names. */
export type HeuristicName = PackingStrategy | HeuristicShortName;

/** How a job's tasks that ask for resources are packed onto nodes. */
export interface PackingChoice {
  heuristic: PackingStrategy;
  weights: ResourceWeights;
}

/** Satyr's default: best-fit-decreasing with cpus and memory weighted alike. */
export const DEFAULT_PACKING: Readonly<PackingChoice> = Object.freeze({
  heuristic: 'best-fit-decreasing',
  weights: DEFAULT_WEIGHTS,
});

const LONG_NAMES = new Set<string>(Object.values(HEURISTIC_SHORT_NAMES));

/** The heuristic a name stands for, or undefined when it names none. */
export function heuristicOf(name: string): PackingStrategy | undefined {
  if (LONG_NAMES.has(name)) return name as PackingStrategy;
  return (HEURISTIC_SHORT_NAMES as Record<string, PackingStrategy>)[name];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(field: string, problem: string, value: unknown): never {
  throw new ValidationError(`${field} ${problem}`, { field, value });
}

/**
 * Reads `{ heuristic, weights }` as a submitter gives it (either may be left out); `field` names it
 * in errors, e.g. `packing`.
 */
export function parsePacking(value: unknown, field = 'packing'): PackingChoice {
  if (!isObject(value)) fail(field, 'must be an object { heuristic, weights }', value);
  for (const key of Object.keys(value)) {
    if (key !== 'heuristic' && key !== 'weights')
      fail(`${field}.${key}`, 'is not a packing field', value[key]);
  }
  let heuristic: PackingStrategy = DEFAULT_PACKING.heuristic;
  if (value.heuristic !== undefined) {
    const named = typeof value.heuristic === 'string' ? heuristicOf(value.heuristic) : undefined;
    if (!named) {
      const names = Object.entries(HEURISTIC_SHORT_NAMES).map(([short, long]) => `${short} (${long})`);
      fail(`${field}.heuristic`, `must be one of ${names.join(', ')}`, value.heuristic);
    }
    heuristic = named;
  }
  if (value.weights === undefined) return { heuristic, weights: DEFAULT_PACKING.weights };
  const given = value.weights;
  if (!isObject(given)) fail(`${field}.weights`, 'must be an object { cpus, memMb, diskMb }', given);
  const weights: ResourceWeights = {};
  for (const [name, weight] of Object.entries(given)) {
    if (!(RESOURCE_NAMES as readonly string[]).includes(name)) {
      fail(`${field}.weights.${name}`, 'is not a resource (cpus, memMb, diskMb)', weight);
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      fail(`${field}.weights.${name}`, 'must be a number >= 0', weight);
    }
    weights[name as keyof ResourceWeights] = weight;
  }
  return { heuristic, weights };
}
