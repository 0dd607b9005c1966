import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binPack, PACKING_STRATEGIES, type PackBin, type PackItem, weightedSize } from './bin-packing.ts';
import { fits, resources } from './resources.ts';

const item = (id: string, cpus: number, memMb = 0, allowedBins?: string[]): PackItem => ({
  id,
  resources: resources({ cpus, memMb }),
  allowedBins,
});
const bin = (id: string, cpus: number, memMb = 0): PackBin => ({ id, free: resources({ cpus, memMb }) });

describe('bin packing', () => {
  const bins = [bin('a', 4, 400), bin('b', 2, 200), bin('c', 8, 800)];

  it('first-fit takes the first open bin with room, and opens the largest unused bin when none has', () => {
    expect(binPack('first-fit', [item('x', 5), item('y', 4), item('z', 1)], bins).placements).toEqual([
      { itemId: 'x', binId: 'c' },
      { itemId: 'y', binId: 'a' },
      { itemId: 'z', binId: 'c' },
    ]);
    const busy = bins.map((b) => ({ ...b, open: b.id !== 'c' }));
    expect(binPack('first-fit', [item('x', 3), item('y', 2), item('z', 1)], busy).placements).toEqual([
      { itemId: 'x', binId: 'a' },
      { itemId: 'y', binId: 'b' },
      { itemId: 'z', binId: 'a' },
    ]);
  });

  it('first-fit-decreasing places the largest items first', () => {
    const packing = binPack('first-fit-decreasing', [item('s', 1), item('l', 8), item('m', 4)], bins);
    expect(packing.placements).toEqual([
      { itemId: 'l', binId: 'c' },
      { itemId: 'm', binId: 'a' },
      { itemId: 's', binId: 'b' },
    ]);
  });

  it('best-fit leaves the smallest weighted remainder among open bins', () => {
    const busy = bins.map((b) => ({ ...b, open: true }));
    expect(binPack('best-fit', [item('x', 2, 200)], busy).placements).toEqual([{ itemId: 'x', binId: 'b' }]);
    expect(binPack('best-fit-decreasing', [item('x', 1, 100), item('y', 4, 400)], busy).placements).toEqual([
      { itemId: 'y', binId: 'a' },
      { itemId: 'x', binId: 'b' },
    ]);
  });

  it('best-fit fills the bins it opened before it opens another, the largest first', () => {
    const packing = binPack(
      'best-fit-decreasing',
      [item('x', 2, 200), item('y', 5, 500), item('z', 3, 300)],
      bins,
    );
    expect(packing.placements).toEqual([
      { itemId: 'y', binId: 'c' },
      { itemId: 'z', binId: 'c' },
      { itemId: 'x', binId: 'a' },
    ]);
  });

  it('max-rest uses the roomiest bin and skips what does not fit there', () => {
    const packing = binPack('max-rest', [item('x', 5, 500), item('y', 4), item('z', 4)], bins);
    expect(packing.placements).toEqual([
      { itemId: 'x', binId: 'c' },
      { itemId: 'y', binId: 'a' },
    ]);
    expect(packing.skipped).toEqual(['z']);
  });

  it('respects allowed bins and reports what fits nowhere', () => {
    const packing = binPack('best-fit', [item('x', 1, 0, ['c']), item('huge', 100)], bins);
    expect(packing.placements).toEqual([{ itemId: 'x', binId: 'c' }]);
    expect(packing.skipped).toEqual(['huge']);
  });

  it('puts no more items in a bin than it has slots', () => {
    const twoSlots: PackBin = { ...bin('a', 8, 800), slots: 2 };
    const packing = binPack('best-fit-decreasing', [item('x', 1), item('y', 1), item('z', 1)], [twoSlots]);
    expect(packing.placements.map((p) => p.itemId)).toEqual(['x', 'y']);
    expect(packing.skipped).toEqual(['z']);
  });

  it('weights resources by their share of the total', () => {
    expect(
      weightedSize(resources({ cpus: 1, memMb: 512 }), resources({ cpus: 4, memMb: 1024 }), {
        cpus: 1,
        memMb: 2,
      }),
    ).toBe(1.25);
  });

  it('never overcommits a bin and places or skips every item exactly once', () => {
    const res = fc.record({
      cpus: fc.integer({ min: 0, max: 8 }),
      memMb: fc.integer({ min: 0, max: 800 }),
      diskMb: fc.constant(0),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...PACKING_STRATEGIES),
        fc.array(res, { maxLength: 30 }),
        fc.array(res, { maxLength: 6 }),
        (strategy, itemSizes, binSizes) => {
          const items = itemSizes.map((r, i) => ({ id: `i${i}`, resources: r }));
          const binList = binSizes.map((r, i) => ({ id: `b${i}`, free: r, open: i % 2 === 0 }));
          const packing = binPack(strategy, items, binList);
          const ids = [...packing.placements.map((p) => p.itemId), ...packing.skipped].sort();
          expect(ids).toEqual(items.map((i) => i.id).sort());
          for (const b of binList) {
            const used = packing.placements
              .filter((p) => p.binId === b.id)
              .map((p) => items.find((i) => i.id === p.itemId)!.resources)
              .reduce(
                (sum, r) => ({ cpus: sum.cpus + r.cpus, memMb: sum.memMb + r.memMb, diskMb: 0 }),
                resources(),
              );
            expect(fits(used, b.free)).toBe(true);
          }
        },
      ),
    );
  });
});
