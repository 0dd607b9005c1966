import { describe, expect, it } from 'vitest';
import { DEFAULT_PACKING, heuristicOf, parsePacking } from './packing-choice.ts';
import { parseJob } from './validate-job.ts';

describe('choosing how a job is packed', () => {
  it('takes the short names beside the long ones', () => {
    expect(heuristicOf('ff')).toBe('first-fit');
    expect(heuristicOf('ffd')).toBe('first-fit-decreasing');
    expect(heuristicOf('mr')).toBe('max-rest');
    expect(heuristicOf('bf')).toBe('best-fit');
    expect(heuristicOf('bfd')).toBe('best-fit-decreasing');
    expect(heuristicOf('best-fit')).toBe('best-fit');
    expect(heuristicOf('worst-fit')).toBeUndefined();
  });

  it('fills in Satyr defaults and checks each field by name', () => {
    expect(parsePacking({})).toEqual(DEFAULT_PACKING);
    expect(parsePacking({ heuristic: 'mr', weights: { cpus: 2 } })).toEqual({
      heuristic: 'max-rest',
      weights: { cpus: 2 },
    });
    expect(() => parsePacking({ heuristic: 'wf' })).toThrow(
      /packing.heuristic must be one of ff \(first-fit\), ffd/,
    );
    expect(() => parsePacking({ weights: { gpus: 1 } })).toThrow(/packing.weights.gpus is not a resource/);
    expect(() => parsePacking({ weights: { cpus: -1 } })).toThrow(
      /packing.weights.cpus must be a number >= 0/,
    );
    expect(() => parsePacking({ order: 'x' })).toThrow(/packing.order is not a packing field/);
  });

  it('is part of the job when given', () => {
    expect(parseJob({ id: 'j' }).packing).toBeUndefined();
    expect(parseJob({ id: 'j', packing: { heuristic: 'ff' } }).packing).toEqual({
      heuristic: 'first-fit',
      weights: DEFAULT_PACKING.weights,
    });
  });
});
