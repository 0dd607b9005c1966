import { ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import type { NodeView } from './node-view.ts';
import { checkPlaceable, parseJob } from './validate-job.ts';

const node = (id: string, zone: string, cpus = 4): NodeView => ({
  id,
  slots: 4,
  freeSlots: 4,
  capacity: { cpus, memMb: 1024, diskMb: 1024 },
  free: { cpus, memMb: 1024, diskMb: 1024 },
  labels: { zone },
  lastHeartbeat: 0,
});
const nodes = [node('n1', 'a'), node('n2', 'b', 8)];

function errorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('parseJob', () => {
  it('fills in defaults and accepts a job without tasks', () => {
    expect(parseJob({ id: 'j' })).toEqual({
      id: 'j',
      user: 'default',
      priority: 0,
      probeRatio: 2,
      maxRetries: 3,
      labels: {},
      tasks: [],
    });
  });

  it('reads a key limit and the unit a task runs, naming what is wrong with them', () => {
    const job = parseJob({
      id: 'j',
      limit: { key: 'tenant-a', running: 3, perSecond: 2.5 },
      tasks: [
        {
          id: 't',
          command: { command: 'x' },
          unit: { namespace: 'ns', spec: 's', key: new Uint8Array([1]) },
        },
      ],
    });
    expect(job.limit).toEqual({ key: 'tenant-a', running: 3, perSecond: 2.5 });
    expect(job.tasks[0].unit).toEqual({ namespace: 'ns', spec: 's', key: new Uint8Array([1]) });
    const limited = (limit: unknown) => errorOf(() => parseJob({ id: 'j', limit })).message;
    expect(limited({ key: 'a b', running: 1 })).toMatch(/^limit\.key must be 1-128 letters/);
    expect(limited({ key: 'a' })).toMatch(/^limit must set running, perSecond or both/);
    expect(limited({ key: 'a', running: 0 })).toMatch(/^limit\.running must be an integer >= 1/);
    expect(limited({ key: 'a', perSecond: 0 })).toMatch(/^limit\.perSecond must be a number > 0/);
    expect(
      errorOf(() =>
        parseJob({ id: 'j', tasks: [{ id: 't', command: { command: 'x' }, unit: { namespace: 'ns' } }] }),
      ).message,
    ).toMatch(/^tasks\[0\]\.unit\.spec must be a non-empty string/);
  });

  it('names the offending field', () => {
    expect(errorOf(() => parseJob({})).message).toMatch(/^id /);
    expect(errorOf(() => parseJob({ id: 'j', probeRatio: 0.5 })).message).toMatch(
      /^probeRatio must be a number >= 1/,
    );
    const bad = {
      id: 'j',
      tasks: [
        { id: 'a', payload: new Uint8Array() },
        { id: 'b', command: { command: 'x' }, resources: { cpus: -1 } },
      ],
    };
    expect(errorOf(() => parseJob(bad)).message).toMatch(/^tasks\[1\]\.resources\.cpus must be/);
    expect(errorOf(() => parseJob({ id: 'j', tasks: [{ id: 'a' }] })).message).toMatch(
      /exactly one of payload or command/,
    );
    const twice = {
      id: 'j',
      tasks: [
        { id: 'a', payload: new Uint8Array() },
        { id: 'a', payload: new Uint8Array() },
      ],
    };
    expect(errorOf(() => parseJob(twice)).details).toMatchObject({ field: 'tasks[1].id' });
    expect(
      errorOf(() => parseJob({ id: 'j', tasks: [{ id: 'a', command: { command: 'x', args: [1] } }] }))
        .message,
    ).toMatch(/tasks\[0\]\.command\.args/);
  });
});

describe('checkPlaceable', () => {
  const task = (extra: object) => ({ id: 't', command: { command: 'x' }, ...extra });

  it('accepts a job some node can run', () => {
    expect(() =>
      checkPlaceable(
        parseJob({ id: 'j', labels: { zone: 'b' }, tasks: [task({ resources: { cpus: 8 } })] }),
        nodes,
      ),
    ).not.toThrow();
  });

  it('rejects impossible labels, nodes and resources with the reason', () => {
    expect(
      errorOf(() => checkPlaceable(parseJob({ id: 'j', labels: { zone: 'c' }, tasks: [task({})] }), nodes))
        .message,
    ).toMatch(/^labels match no node/);
    const wrongNode = parseJob({
      id: 'j',
      labels: { zone: 'a' },
      tasks: [task({ constraints: { nodes: ['n2'] } })],
    });
    expect(errorOf(() => checkPlaceable(wrongNode, nodes)).message).toMatch(
      /^tasks\[0\]\.constraints\.nodes/,
    );
    const tooBig = parseJob({ id: 'j', tasks: [task({ resources: { cpus: 16 } })] });
    expect(errorOf(() => checkPlaceable(tooBig, nodes)).message).toMatch(
      /^tasks\[0\]\.resources exceed the capacity of every allowed node: it asks for \{"cpus":16,"memMb":0,"diskMb":0\}, the largest \(n\d\) has \{"cpus":8,/,
    );
    expect(() => checkPlaceable(tooBig, [])).toThrow('no node monitor is live to run the job on');
    const wrongLabel = parseJob({ id: 'j', tasks: [task({ constraints: { labels: { gpu: 'yes' } } })] });
    expect(errorOf(() => checkPlaceable(wrongLabel, nodes)).message).toMatch(
      /^tasks\[0\]\.constraints\.labels/,
    );
  });
});
