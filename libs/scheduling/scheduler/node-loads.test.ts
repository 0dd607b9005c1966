import { ManualClock } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import type { NodeView } from '../node-view.ts';
import { type NodeLoad, NodeLoads } from './node-loads.ts';

const capacity = { cpus: 4, memMb: 4096, diskMb: 4096 };
const advert = (freeSlots: number, queueLength: number, lastHeartbeat: number): NodeView => ({
  id: 'n',
  slots: 4,
  freeSlots,
  capacity,
  free: capacity,
  labels: {},
  lastHeartbeat,
  queueLength,
});
const load = (running: number, queueLength: number): NodeLoad => ({ running, queueLength, slots: 4 });

describe("what a frontend knows of a node's load", () => {
  it('reads the advert until the node monitor says more recently', () => {
    const clock = new ManualClock(1_000);
    const loads = new NodeLoads();
    expect(loads.loadOf(advert(1, 2, 900))).toBe((3 + 2) / 4);

    loads.heardFrom('n', load(1, 0), clock.now());
    expect(loads.loadOf(advert(1, 2, 900))).toBe(1 / 4);
    // A heartbeat after what was heard is the newer word.
    expect(loads.loadOf(advert(0, 1, 1_500))).toBe((4 + 1) / 4);
  });

  it('adds the reservations sent since the node last spoke, and forgets them when it does', () => {
    const clock = new ManualClock(1_000);
    const loads = new NodeLoads();
    loads.heardFrom('n', load(0, 0), clock.now());
    loads.sent('n', 2);
    loads.sent('n', 1);
    expect(loads.loadOf(advert(4, 0, 900))).toBe(3 / 4);

    clock.advance(5);
    loads.heardFrom('n', load(2, 1), clock.now());
    expect(loads.loadOf(advert(4, 0, 900))).toBe(3 / 4);
    loads.forget('n');
    expect(loads.loadOf(advert(4, 0, 900))).toBe(0);
  });

  it('counts as idle the slots neither running nor spoken for, never fewer than none', () => {
    const clock = new ManualClock(1_000);
    const loads = new NodeLoads();
    expect(loads.idleSlots(advert(3, 1, 900))).toBe(2);
    loads.heardFrom('n', load(1, 0), clock.now());
    loads.sent('n', 1);
    expect(loads.idleSlots(advert(3, 1, 900))).toBe(2);
    loads.sent('n', 5);
    expect(loads.idleSlots(advert(3, 1, 900))).toBe(0);
  });
});
