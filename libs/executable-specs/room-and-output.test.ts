import { CborMap, toJsonValue } from '@passerine/cbor';
import type { NodeView } from '@passerine/scheduling';
import { describe, expect, it } from 'vitest';
import type { ExecutableSpec } from './executable-spec.ts';
import { readOutputLine, tracebackOf } from './output.ts';
import { placeableSpecs, roomFor, UnplaceableSpecs } from './room.ts';

const node = (
  id: string,
  freeSlots: number,
  memMb: number,
  labels: Record<string, string> = {},
): NodeView => ({
  id,
  slots: 4,
  freeSlots,
  capacity: { cpus: 4, memMb, diskMb: 10_000 },
  free: { cpus: 4, memMb, diskMb: 10_000 },
  labels,
  lastHeartbeat: 1_000,
});

const spec = (name: string, runner: Partial<ExecutableSpec['runner']> = {}): ExecutableSpec => ({
  name,
  maxRetries: 0,
  priority: 0,
  runner: { argv: ['true'], env: {}, resources: {}, labels: {}, ...runner },
});

describe('how many units a pump takes', () => {
  const nodes = [node('small', 3, 1024), node('big', 2, 8192, { gpu: 'yes' })];

  it('counts the free slots of the nodes that could run one of the specs', () => {
    expect(roomFor([spec('any')], nodes, 0, () => 0)).toBe(5);
    expect(roomFor([spec('mem', { resources: { memMb: 4096 } })], nodes, 0, () => 0)).toBe(2);
    expect(roomFor([spec('gpu', { labels: { gpu: 'yes' } })], nodes, 0, () => 0)).toBe(2);
  });

  it('subtracts what was placed but not launched, and launches the adverts do not show yet', () => {
    expect(roomFor([spec('any')], nodes, 1, () => 0)).toBe(4);
    expect(roomFor([spec('any')], nodes, 0, (n) => (n.id === 'small' ? 5 : 0))).toBe(2);
    expect(roomFor([spec('any')], nodes, 9, () => 0)).toBe(0);
  });

  it('says once that a spec cannot run, while nodes are up, and again after it could', () => {
    const gpu = spec('gpu', { labels: { gpu: 'no-such' } });
    const any = spec('any');
    const notices = new UnplaceableSpecs();
    const names = (specs: ExecutableSpec[]) => specs.map((s) => s.name);
    expect(names(notices.newlyUnplaceable([gpu, any], [], 0))).toEqual([]);
    expect(names(notices.newlyUnplaceable([gpu, any], [any], 2))).toEqual(['gpu']);
    expect(names(notices.newlyUnplaceable([gpu, any], [any], 2))).toEqual([]);
    expect(names(notices.newlyUnplaceable([gpu, any], [gpu, any], 2))).toEqual([]);
    expect(names(notices.newlyUnplaceable([gpu, any], [any], 2))).toEqual(['gpu']);
  });

  it('leaves out specs no live node could ever run', () => {
    const specs = [spec('fits'), spec('huge', { resources: { memMb: 65_536 } })];
    expect(placeableSpecs(specs, nodes).map((s) => s.name)).toEqual(['fits']);
  });
});

describe('what a pumped command says back', () => {
  it('reads an output line as a map or a list of keys', () => {
    const read = readOutputLine('PASSERINE_OUTPUT={"next": {"n": 1}}');
    expect('output' in read && toJsonValue(read.output)).toEqual({ next: { n: 1 } });
    const list = readOutputLine('PASSERINE_OUTPUT=["a", "b"]');
    expect('output' in list && toJsonValue(list.output)).toEqual(['a', 'b']);
    expect('output' in read && read.output).toBeInstanceOf(CborMap);
  });

  it('refuses an output line that is not JSON or not a map or list, saying why', () => {
    expect(readOutputLine('PASSERINE_OUTPUT={oops')).toMatchObject({
      error: expect.stringMatching(/not followed by JSON/),
    });
    expect(readOutputLine('PASSERINE_OUTPUT=42')).toMatchObject({
      error: expect.stringMatching(/JSON object/),
    });
  });

  it('puts the exit status, the error and the last stderr lines in a traceback', () => {
    expect(tracebackOf({ exitCode: 2 }, [])).toBe('exit status 2');
    expect(tracebackOf({ exitCode: null, error: 'killed after 5000 ms' }, ['a', 'b'])).toBe(
      'no exit status: killed after 5000 ms\nlast lines on stderr:\na\nb',
    );
  });
});
