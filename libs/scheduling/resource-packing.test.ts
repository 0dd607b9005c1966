import { describe, expect, it } from 'vitest';
import { BoundTasks } from './bound-tasks.ts';
import type { NodeView } from './node-view.ts';
import { type Committed, commit, packTasks } from './resource-packing.ts';
import { resources } from './resources.ts';
import { testNode } from './test-nodes.ts';
import { parseJob } from './validate-job.ts';

const withMemory = (id: string, memMb: number, slots = 4): NodeView => {
  const capacity = resources({ cpus: 4, memMb });
  return { ...testNode(id), slots, freeSlots: slots, capacity, free: { ...capacity } };
};
const jobOf = (memory: number[], constraints: (i: number) => object | undefined = () => undefined) =>
  parseJob({
    id: 'j',
    tasks: memory.map((memMb, i) => ({
      id: `t${i}`,
      payload: new Uint8Array(),
      resources: { memMb },
      ...(constraints(i) && { constraints: constraints(i) }),
    })),
  });

describe('packing tasks onto free resources', () => {
  const nodes = [withMemory('big', 4096), withMemory('small', 1024)];

  it('puts large tasks on the only node they fit and small ones where room is left', () => {
    const job = jobOf([512, 2048, 512, 2048]);
    const packing = packTasks(job, job.tasks, nodes);
    const nodeOf = new Map(packing.assignments.map((a) => [a.taskId, a.nodeId]));
    expect(nodeOf.get('t1')).toBe('big');
    expect(nodeOf.get('t3')).toBe('big');
    expect(nodeOf.get('t0')).toBe('small');
    expect(nodeOf.get('t2')).toBe('small');
    expect(packing.waiting).toEqual([]);
  });

  it('leaves waiting what fits nowhere right now, and rejects what fits nowhere ever', () => {
    const job = jobOf([2048, 2048, 2048, 8192]);
    const packing = packTasks(job, job.tasks, nodes);
    expect(packing.assignments).toHaveLength(2);
    expect(packing.waiting).toEqual(['t2']);
    expect(packing.unplaceable).toEqual(['t3']);
  });

  it('counts what is already committed at a node and its free slots', () => {
    const committed = new Map<string, Committed>();
    commit(committed, 'big', resources({ memMb: 3072 }));
    const oneSlot = [withMemory('big', 4096), withMemory('small', 1024, 1)];
    const job = jobOf([1024, 1024, 1024]);
    const packing = packTasks(job, job.tasks, oneSlot, committed);
    expect(packing.assignments.filter((a) => a.nodeId === 'big')).toHaveLength(1);
    expect(packing.assignments.filter((a) => a.nodeId === 'small')).toHaveLength(1);
    expect(packing.waiting).toHaveLength(1);
  });

  it('keeps a task on the nodes its constraints allow', () => {
    const job = jobOf([256], () => ({ nodes: ['small'] }));
    expect(packTasks(job, job.tasks, nodes).assignments).toEqual([{ taskId: 't0', nodeId: 'small' }]);
  });
});

describe('bound tasks', () => {
  it('hands out only a task bound to the node that fits what the reservation holds', () => {
    const bound = new BoundTasks();
    bound.bind('large', 'big', resources({ memMb: 2048 }));
    bound.bind('small', 'big', resources({ memMb: 512 }));
    expect(bound.take('other', resources({ memMb: 4096 }))).toBeNull();
    expect(bound.take('big', resources())).toBeNull();
    expect(bound.take('big', resources({ memMb: 1024 }))).toBe('small');
    expect(bound.waitsAt('big')).toBe(true);
    expect(bound.take('big', resources({ memMb: 2048 }))).toBe('large');
    expect(bound.waitsAt('big')).toBe(false);
    expect(bound.size).toBe(0);
  });

  it('adds up what is committed per node', () => {
    const bound = new BoundTasks();
    bound.bind('a', 'n1', resources({ memMb: 100 }));
    bound.bind('b', 'n1', resources({ memMb: 200 }));
    const committed = new Map<string, Committed>();
    bound.addCommitted(committed);
    expect(committed.get('n1')).toEqual({ slots: 2, resources: resources({ memMb: 300 }) });
  });
});
