import { CborMap, type CborValue } from '@passerine/cbor';
import { describe, expect, it } from 'vitest';
import { readRunner } from './runner.ts';

const map = (entries: Record<string, CborValue>) => new CborMap(Object.entries(entries));
const runnerWith = (packing: CborValue) =>
  readRunner(map({ name: 's', runner: map({ command: 'run', packing }) }));

describe("a work spec runner's packing", () => {
  it('names the heuristic by its short or long name, and weights by Coordinate resource names', () => {
    expect(runnerWith(map({ heuristic: 'ffd' }))?.packing).toEqual({
      heuristic: 'first-fit-decreasing',
      weights: { cpus: 1, memMb: 1 },
    });
    expect(
      runnerWith(map({ heuristic: 'max-rest', weights: map({ cpus: 2, mem_mb: 0.5, disk_mb: 1 }) }))?.packing,
    ).toEqual({
      heuristic: 'max-rest',
      weights: { cpus: 2, memMb: 0.5, diskMb: 1 },
    });
    expect(readRunner(map({ name: 's', runner: map({ command: 'run' }) }))?.packing).toBeUndefined();
  });

  it('is refused at set_work_spec, naming the field, when malformed', () => {
    expect(() => runnerWith(map({ heuristic: 'worst' }))).toThrow(
      /^work spec runner\.packing\.heuristic must be one of ff/,
    );
    expect(() => runnerWith('bfd')).toThrow(/^work spec runner\.packing must be a map/);
    expect(() => runnerWith(map({ weights: map({ cpus: -1 }) }))).toThrow(
      /runner\.packing\.weights\.cpus must be a number >= 0/,
    );
  });
});
