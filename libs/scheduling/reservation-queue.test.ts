import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueuedReservation, TakenReservation } from './reservation-lane.ts';
import { createReservationQueue, type QueuePolicyName, type ReservationQueue } from './reservation-queue.ts';
import { ResourceLedger } from './resource-ledger.ts';
import { fits, resources } from './resources.ts';

const plenty = { slots: 100, resources: resources({ cpus: 100, memMb: 1e6, diskMb: 1e6 }) };
const reservation = (jobId: string, extra: Partial<QueuedReservation> = {}): QueuedReservation => ({
  jobId,
  frontendId: 'f',
  user: 'u',
  priority: 0,
  count: 1,
  resources: resources(),
  ...extra,
});
const drain = (queue: ReservationQueue, n = Number.POSITIVE_INFINITY) => {
  const taken: TakenReservation[] = [];
  while (taken.length < n) {
    const next = queue.takeNext(plenty);
    if (!next) break;
    taken.push(next);
  }
  return taken;
};

describe('reservation queues', () => {
  it('fifo serves in arrival order, counts units and cancels by job', () => {
    const queue = createReservationQueue({ policy: 'fifo' });
    queue.enqueue(reservation('a', { count: 2 }));
    queue.enqueue(reservation('b'));
    queue.enqueue(reservation('c'));
    expect(queue.size()).toBe(4);
    expect(queue.cancel('b')).toBe(1);
    expect(drain(queue).map((r) => r.jobId)).toEqual(['a', 'a', 'c']);
    expect(queue.size()).toBe(0);
  });

  it('lets a reservation that fits pass one waiting for resources', () => {
    const queue = createReservationQueue({ policy: 'fifo' });
    queue.enqueue(reservation('big', { resources: resources({ memMb: 2048 }) }));
    queue.enqueue(reservation('small', { resources: resources({ memMb: 256 }) }));
    expect(
      queue.takeNext({ slots: 1, resources: resources({ cpus: 4, memMb: 1024, diskMb: 0 }) })?.jobId,
    ).toBe('small');
    expect(queue.takeNext({ slots: 0, resources: plenty.resources })).toBeNull();
    expect(queue.takeNext(plenty)?.jobId).toBe('big');
  });

  it('priority serves lower numbers first and fifo within one', () => {
    const queue = createReservationQueue({ policy: 'priority' });
    queue.enqueue(reservation('low1', { priority: 5 }));
    queue.enqueue(reservation('high', { priority: 1 }));
    queue.enqueue(reservation('low2', { priority: 5 }));
    queue.enqueue(reservation('mid', { priority: 3, count: 2 }));
    expect(drain(queue).map((r) => r.jobId)).toEqual(['high', 'mid', 'mid', 'low1', 'low2']);
  });

  it('fair shares slots by weight across users', () => {
    const queue = createReservationQueue({ policy: 'fair', weights: { alice: 3, bob: 1 } });
    queue.enqueue(reservation('a', { user: 'alice', count: 100 }));
    queue.enqueue(reservation('b', { user: 'bob', count: 100 }));
    const served = drain(queue, 80);
    const alice = served.filter((r) => r.user === 'alice').length;
    expect(alice).toBe(60);
    expect(queue.size()).toBe(120);
  });

  it('fair gives no credit for idle time', () => {
    const queue = createReservationQueue({ policy: 'fair' });
    queue.enqueue(reservation('a', { user: 'alice', count: 10 }));
    drain(queue, 5);
    queue.enqueue(reservation('b', { user: 'bob', count: 10 }));
    const next4 = drain(queue, 4).map((r) => r.user);
    expect(next4.filter((u) => u === 'bob')).toHaveLength(2);
  });

  it('rejects unknown policies and bad weights naming the field', () => {
    expect(() => createReservationQueue({ policy: 'lifo' as QueuePolicyName })).toThrow(/^policy/);
    expect(() => createReservationQueue({ policy: 'fair', weights: { x: 0 } })).toThrow(/^weights\.x/);
  });
});

describe('resource ledger', () => {
  const capacity = { slots: 3, resources: resources({ cpus: 4, memMb: 1000, diskMb: 100 }) };

  it('never goes over its slots or resources, whatever runs and ends', () => {
    const demand = fc.record({
      cpus: fc.constantFrom(0, 0.5, 1, 2, 3),
      memMb: fc.integer({ min: 0, max: 600 }),
      diskMb: fc.constant(0),
    });
    const step = fc.oneof(
      fc.record({ kind: fc.constant('enqueue' as const), demand, policy: fc.constant(0) }),
      fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<QueuePolicyName>('fifo', 'priority', 'fair'),
        fc.array(step, { maxLength: 80 }),
        (policy, steps) => {
          const ledger = new ResourceLedger(capacity);
          const queue = createReservationQueue({ policy });
          const running: TakenReservation[] = [];
          steps.forEach((s, i) => {
            if (s.kind === 'enqueue')
              queue.enqueue(
                reservation(`j${i}`, { resources: s.demand, user: `u${i % 3}`, priority: i % 2 }),
              );
            else if (running.length > 0)
              ledger.release(running.splice(s.pick % running.length, 1)[0].resources);
            // The node monitor's loop: start whatever fits until nothing does.
            for (let next = queue.takeNext(ledger.free); next; next = queue.takeNext(ledger.free)) {
              expect(ledger.tryAcquire(next.resources)).toBe(true);
              running.push(next);
            }
            const used = running.reduce((sum, r) => sum + r.resources.cpus, 0);
            expect(running.length).toBeLessThanOrEqual(capacity.slots);
            expect(used).toBeLessThanOrEqual(capacity.resources.cpus + 1e-9);
            expect(ledger.free.slots).toBe(capacity.slots - running.length);
            expect(fits(ledger.free.resources, capacity.resources)).toBe(true);
          });
          for (const r of running) ledger.release(r.resources);
          expect(ledger.free).toEqual(capacity);
        },
      ),
    );
  });

  it('refuses to acquire beyond capacity and to release what was never taken', () => {
    const ledger = new ResourceLedger(capacity);
    expect(ledger.tryAcquire(resources({ cpus: 5 }))).toBe(false);
    expect(ledger.free).toEqual(capacity);
    expect(() => ledger.release(resources({ cpus: 1 }))).toThrow(/release of more/);
  });
});
