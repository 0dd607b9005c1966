import { decode, encode, sequentialIdSource } from '@passerine/core';
import * as wq from '@passerine/workqueue';
import { describe, expect, it } from 'vitest';
import { runCommand } from './executor.ts';
import { encodeSnapshot } from './snapshot-encoding.ts';

const meta = wq.defaultWorkSpecMeta;

describe('snapshot encoding in slices', () => {
  it('decodes to what one encode of the snapshot decodes to', async () => {
    const state = wq.createNamespaceState();
    const ids = sequentialIdSource();
    for (const [spec, count] of [
      ['small', 3],
      ['large', 25_000],
      ['empty', 0],
    ] as const) {
      runCommand(
        state,
        { type: 'SetWorkSpec', name: spec, data: new Uint8Array([0xa0]), meta } as wq.WorkQueueCommand,
        1,
        ids,
        () => 0.5,
      );
      const units = Array.from({ length: count }, (_, i) => ({
        key: `u${i}`,
        data: Uint8Array.of(i & 0xff),
      }));
      if (count) runCommand(state, { type: 'AddWorkUnits', spec, units }, 1, ids, () => 0.5);
    }
    runCommand(
      state,
      { type: 'GetWork', workerId: 'w1', maxJobs: 2 } as wq.WorkQueueCommand,
      2,
      ids,
      () => 0.5,
    );
    const snapshot = wq.snapshotNamespace(state);
    expect(decode(await encodeSnapshot(snapshot))).toEqual(decode(encode(snapshot)));
  });
});
