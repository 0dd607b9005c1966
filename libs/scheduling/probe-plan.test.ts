import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { perTaskSampling, randomPlacement } from './baseline-placement.ts';
import { LateBinding, LateBindingBook } from './late-binding.ts';
import { planProbes } from './probe-plan.ts';
import { sampleLeastLoaded, seededRandom } from './random.ts';
import { testNode } from './test-nodes.ts';
import { parseJob } from './validate-job.ts';

const jobOf = (m: number, extra: object = {}, taskExtra: (i: number) => object = () => ({})) =>
  parseJob({
    id: 'j',
    tasks: Array.from({ length: m }, (_, i) => ({ id: `t${i}`, payload: new Uint8Array(), ...taskExtra(i) })),
    ...extra,
  });
const nodesOf = (n: number, labels = (_i: number): Record<string, string> => ({})) =>
  Array.from({ length: n }, (_, i) => testNode(`n${i}`, labels(i)));

describe('batch sampling', () => {
  it('probes ceil(d·m) distinct nodes, fewer when fewer exist, and every task can be bound exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        fc.integer(),
        (m, n, d, seed) => {
          const random = seededRandom(seed);
          const job = jobOf(m, { probeRatio: d });
          const plan = planProbes(job, nodesOf(n), random);
          const probes = Math.ceil(d * m);
          expect(plan.reservations.length).toBe(Math.min(probes, n));
          expect(plan.reservations.reduce((sum, r) => sum + r.count, 0)).toBe(probes);

          // Node monitors call getTask in a random order, once per reservation they hold.
          const binding = LateBinding.fromPlan(
            job.tasks.map((t) => t.id),
            plan,
          );
          const calls = plan.reservations.flatMap((r) => Array<string>(r.count).fill(r.nodeId));
          calls.sort(() => random() - 0.5);
          const launched: string[] = [];
          const remaining = new Map(plan.reservations.map((r) => [r.nodeId, r.count]));
          let cancelled: string[] = [];
          let expectedCancelled: string[] = [];
          for (const nodeId of calls) {
            remaining.set(nodeId, remaining.get(nodeId)! - 1);
            const answer = binding.getTask(nodeId);
            if (answer.taskId) launched.push(answer.taskId);
            if (answer.taskId && binding.allLaunched) {
              cancelled = answer.cancel;
              expectedCancelled = [...remaining].filter(([, left]) => left > 0).map(([id]) => id);
            }
          }
          expect(cancelled.sort()).toEqual(expectedCancelled.sort());
          expect(launched.sort()).toEqual(job.tasks.map((t) => t.id).sort());
          expect(binding.allLaunched).toBe(true);
          expect(binding.leftoverReservations()).toEqual([]);
        },
      ),
    );
  });

  it('samples only nodes with the job labels and enough capacity', () => {
    const nodes = nodesOf(10, (i) => ({ zone: i % 2 ? 'a' : 'b' }));
    nodes[1].capacity.cpus = 1;
    const plan = planProbes(
      jobOf(3, { labels: { zone: 'a' } }, () => ({ resources: { cpus: 2 } })),
      nodes,
      seededRandom(1),
    );
    expect(plan.batchNodes.sort()).toEqual(['n3', 'n5', 'n7', 'n9']);
    for (const r of plan.reservations) expect(plan.batchNodes).toContain(r.nodeId);
  });

  it('gives each constrained task two probes from its allowed set and shares them through late binding', () => {
    const job = jobOf(2, {}, (i) => ({ constraints: { nodes: i === 0 ? ['n1', 'n2'] : ['n2', 'n3'] } }));
    const plan = planProbes(job, nodesOf(5), seededRandom(7));
    expect(plan.reservations.sort((a, b) => a.nodeId.localeCompare(b.nodeId))).toEqual([
      { nodeId: 'n1', count: 1 },
      { nodeId: 'n2', count: 2 },
      { nodeId: 'n3', count: 1 },
    ]);
    const binding = LateBinding.fromPlan(['t0', 't1'], plan);
    expect(binding.getTask('n4').taskId).toBeNull();
    const first = binding.getTask('n2');
    expect(['t0', 't1']).toContain(first.taskId);
    const second = binding.getTask(first.taskId === 't0' ? 'n3' : 'n1');
    expect(second.taskId).toBe(first.taskId === 't0' ? 't1' : 't0');
    expect(second.cancel.sort()).toEqual(first.taskId === 't0' ? ['n1', 'n2'] : ['n2', 'n3']);
    expect(binding.getTask('n2')).toEqual({ taskId: null, cancel: [] });
  });

  it('reports tasks no node can run', () => {
    const job = jobOf(2, {}, (i) => (i === 1 ? { constraints: { nodes: ['nope'] } } : {}));
    expect(planProbes(job, nodesOf(3), seededRandom(1)).unplaceable).toEqual(['t1']);
  });

  it('binds a retried task again', () => {
    const binding = new LateBinding([{ id: 'a' }], [{ nodeId: 'n1', count: 2 }]);
    expect(binding.getTask('n1')).toEqual({ taskId: 'a', cancel: ['n1'] });
    binding.addTask({ id: 'a' });
    binding.addReservations('n2', 1);
    expect(binding.getTask('n2').taskId).toBe('a');
  });

  it('offers a task to a node holding no reservation, leaving the reservations as they are', () => {
    const binding = new LateBinding(
      [{ id: 'a' }, { id: 'b', allowedNodes: ['n1'] }],
      [{ nodeId: 'n1', count: 2 }],
      ['n1', 'n2'],
    );
    expect(binding.canOffer('n3')).toBe(false);
    expect(binding.canOffer('n2')).toBe(true);
    expect(binding.offer('n2')).toEqual({ taskId: 'a', cancel: [] });
    expect(binding.canOffer('n2')).toBe(false);
    expect(binding.offer('n2')).toEqual({ taskId: null, cancel: [] });
    expect(binding.offer('n1')).toEqual({ taskId: 'b', cancel: ['n1'] });
    expect(binding.canOffer('n1')).toBe(false);
  });

  it('counts the reservations still out, as slots use them and when the last task goes', () => {
    const binding = new LateBinding(
      [{ id: 'a' }, { id: 'b' }],
      [
        { nodeId: 'x', count: 2 },
        { nodeId: 'y', count: 1 },
      ],
    );
    expect(binding.reservationsHeld).toBe(3);
    // A slot taken for another job still uses up this job's reservation there.
    binding.useReservation('x');
    binding.useReservation('z');
    expect(binding.reservationsHeld).toBe(2);
    expect(binding.getTask('x').taskId).toBe('a');
    expect(binding.reservationsHeld).toBe(1);
    expect(binding.getTask('y')).toEqual({ taskId: 'b', cancel: [] });
    expect(binding.reservationsHeld).toBe(0);
  });

  it('takes a task given back under its own constraints, and never hands out one taken', () => {
    const binding = new LateBinding(
      [{ id: 'a', allowedNodes: ['n1'] }, { id: 'b' }, { id: 'c' }],
      [],
      ['n1', 'n2'],
    );
    expect(binding.offer('n1').taskId).toBe('a');
    binding.giveBack('a');
    binding.giveBack('a');
    binding.giveBack('unknown');
    expect(binding.unlaunchedCount).toBe(3);
    expect(binding.offer('n2').taskId).toBe('b');
    binding.take('c');
    // Only a is left, and it may run at n1 alone.
    expect(binding.offer('n2').taskId).toBeNull();
    expect(binding.offer('n1').taskId).toBe('a');
    expect(binding.allLaunched).toBe(true);
  });

  it('answers no task for unknown jobs', () => {
    const book = new LateBindingBook();
    book.add('j', new LateBinding([{ id: 'a' }]));
    expect(book.getTask('other', 'n1')).toEqual({ taskId: null, cancel: [] });
    expect(book.getTask('j', 'n1').taskId).toBe('a');
  });
});

describe('sampling by load', () => {
  it('keeps the least loaded of twice as many random candidates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer(),
        (count, n, seed) => {
          const items = Array.from({ length: n }, (_, i) => i);
          const load = (i: number) => (i * 7919) % 13;
          const chosen = sampleLeastLoaded(items, count, seededRandom(seed), load);
          expect(new Set(chosen).size).toBe(chosen.length);
          expect(chosen.length).toBe(Math.min(count, n));
          if (2 * count >= n) {
            // Every item was a candidate: the chosen are exactly as light as the lightest `count`.
            const lightest = items
              .map(load)
              .sort((a, b) => a - b)
              .slice(0, count);
            expect(chosen.map(load).sort((a, b) => a - b)).toEqual(lightest);
          }
        },
      ),
    );
  });

  it('picks the lighter of two: single picks from 100 average a third of the way up, not a half', () => {
    // 100 items, load = index: the lighter of two random ones averages about a third, one alone a half.
    const items = Array.from({ length: 100 }, (_, i) => i);
    const random = seededRandom(7);
    const picks = Array.from({ length: 2_000 }, () => sampleLeastLoaded(items, 1, random, (i) => i)[0]);
    const mean = picks.reduce((a, b) => a + b, 0) / picks.length;
    expect(mean).toBeGreaterThan(28);
    expect(mean).toBeLessThan(38);
  });

  it('sends batch probes to the lighter nodes when the frontend knows their load', () => {
    const nodes = nodesOf(10);
    const heavy = new Set(['n0', 'n2', 'n4', 'n6', 'n8']);
    for (let seed = 0; seed < 20; seed++) {
      // 5 probes, 10 candidates: all of them, so the five light nodes are the ones probed.
      const plan = planProbes(jobOf(5, { probeRatio: 1 }), nodes, seededRandom(seed), (node) =>
        heavy.has(node.id) ? 1 : 0,
      );
      expect(plan.reservations.map((r) => r.nodeId).sort()).toEqual(['n1', 'n3', 'n5', 'n7', 'n9']);
    }
  });
});

describe('baseline placements', () => {
  it('random placement puts every task on an allowed node', () => {
    const job = jobOf(20, {}, (i) => (i === 0 ? { constraints: { nodes: ['n3'] } } : {}));
    const placement = randomPlacement(job, nodesOf(5), seededRandom(3));
    expect(placement.assignments).toHaveLength(20);
    expect(placement.assignments[0]).toEqual({ taskId: 't0', nodeId: 'n3' });
  });

  it('per-task sampling picks the shorter of two queues', () => {
    const nodes = nodesOf(2);
    nodes[0].queueLength = 5;
    nodes[1].queueLength = 1;
    const placement = perTaskSampling(jobOf(10), nodes, seededRandom(3));
    expect(new Set(placement.assignments.map((a) => a.nodeId))).toEqual(new Set(['n1']));
  });
});
