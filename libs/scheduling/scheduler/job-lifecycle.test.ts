import { IllegalStateError, NotFoundError, UnavailableError, ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { parseJob } from '../validate-job.ts';
import { cancelOwnedJob, dropJob, scheduleJob } from './job-lifecycle.ts';
import { nodeLost } from './node-loss.ts';
import { answerSlot } from './slot-answers.ts';
import { endTask } from './task-ends.ts';
import { node, schedulerBed } from './test-scheduler.ts';

const NO = { cpus: 0, memMb: 0, diskMb: 0 };
const task = (id: string) => ({ id, payload: new Uint8Array([1]) });
const slot = (jobId: string, nodeId: string) => ({ jobId, nodeId, user: 'u', priority: 0, resources: NO });
const ended = (jobId: string, taskId: string, attemptId: string, nodeId: string) => ({
  jobId,
  taskId,
  attemptId,
  nodeId,
  exitCode: 0,
  signal: null,
  startedAt: 1,
  endedAt: 2,
});

describe('a job submitted to a frontend', () => {
  it('is refused when it exists, when the frontend is full, or when no node can run it', () => {
    const bed = schedulerBed([node('n0')]);
    bed.submit({ id: 'j', tasks: [task('t')] });
    expect(() => bed.submit({ id: 'j', tasks: [task('t')] })).toThrow(IllegalStateError);
    expect(() => bed.submit({ id: 'k', labels: { zone: 'mars' }, tasks: [task('t')] })).toThrow(
      ValidationError,
    );
    for (let i = 1; i < 100; i++) bed.submit({ id: `filler-${i}`, tasks: [task('t')] });
    expect(() => bed.submit({ id: 'one-too-many', tasks: [task('t')] })).toThrow(UnavailableError);
  });

  it('without tasks completes at once and is never scheduled', () => {
    const bed = schedulerBed([node('n0')]);
    const owned = scheduleJob(bed.h, parseJob({ id: 'empty' }));
    expect(bed.decided()).toEqual(['record empty: JobSubmitted, JobCompleted', 'end empty']);
    expect(owned.state.status).toBe('completed');
    expect(bed.h.state.jobs.size).toBe(0);
  });

  it('ends with its last task’s report, which is announced', () => {
    const bed = schedulerBed([node('n0')]);
    bed.submit({ id: 'j', probeRatio: 1, tasks: [task('t')] });
    const launch = answerSlot(bed.h, slot('j', 'n0'), undefined)!;
    bed.decided();

    endTask(bed.h, ended('j', 't', launch.attemptId, 'n0'), undefined);

    expect(bed.decided()).toEqual(['record j: TaskFinished, JobCompleted', 'end j']);
    expect(bed.h.state.jobs.has('j')).toBe(false);
  });

  it('not accepted (its submission failed) stops what started and ends, though not in the log', () => {
    const bed = schedulerBed([node('n0')]);
    const owned = bed.submit({ id: 'j', probeRatio: 1, tasks: [task('t')] });
    bed.decided();

    dropJob(bed.h, owned);

    expect(bed.decided()).toEqual(['drop j', 'cancel j at n0 and kill']);
    expect(owned.state.status).toBe('cancelled');
    expect(bed.h.state.jobs.has('j')).toBe(false);
  });
});

describe('a job cancelled', () => {
  it('is recorded cancelled and its running tasks stop once that is durable', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'j', probeRatio: 1, tasks: [task('a'), task('b')] });
    answerSlot(bed.h, slot('j', 'n0'), undefined);
    bed.decided();

    cancelOwnedJob(bed.h, 'j', 'no longer needed');

    expect(bed.decided()).toEqual([
      'record j: JobCancelled',
      'end j',
      'cancel j at n1',
      'stop running j at n0',
    ]);
  });

  it('is refused when this frontend does not schedule it', () => {
    const bed = schedulerBed([node('n0')]);
    expect(() => cancelOwnedJob(bed.h, 'nobody', 'x')).toThrow(NotFoundError);
  });
});

describe('a node lost', () => {
  it('sends its running tasks back to waiting, placed again on the nodes left', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'j', probeRatio: 2, tasks: [task('t')] });
    answerSlot(bed.h, slot('j', 'n0'), undefined);
    bed.nodes = [node('n1')];
    bed.decided();

    nodeLost(bed.h, 'n0');

    expect(bed.decided()).toEqual(['record j: TaskRetried', 'reserve j n1×2']);
    expect(bed.h.state.jobs.get('j')!.state.tasks.get('t')).toMatchObject({ status: 'pending', attempts: 1 });
  });
});

describe('a slot left idle (a report with nothing queued behind it)', () => {
  it('pulls a reservation of the oldest job still waiting for slots', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'waiting', probeRatio: 1, tasks: [task('t')] });
    const reserved = bed.decided().find((line) => line.startsWith('reserve'))!;
    const idle = reserved.includes('n0') ? 'n1' : 'n0';
    bed.advance(10);

    endTask(bed.h, ended('gone', 't', 'x', idle), { running: 3, queueLength: 0, slots: 4 });

    expect(bed.decided()).toEqual([`add waiting ${idle}×1`, `reserve waiting ${idle}×1`]);
  });
});
