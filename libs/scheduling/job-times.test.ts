import { IllegalStateError, ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import { decide } from './job-decide.ts';
import type { JobEvent } from './job-events.ts';
import { evolveAll } from './job-state.ts';
import { jobTimesOf } from './job-times.ts';
import { parseJob } from './validate-job.ts';

const NOW = 1_000_000;
const ctx = { frontendId: 'f1' };
const tasks = [
  { id: 't1', command: { command: 'true' } },
  { id: 't2', command: { command: 'true' } },
];
const later = parseJob({ id: 'j1', tasks, notBefore: NOW + 5_000, ttlMs: 60_000 }, NOW);
const submitted: JobEvent = { type: 'JobSubmitted', data: { job: later, frontendId: 'f1' } };
const released: JobEvent = { type: 'JobReleased', data: { jobId: 'j1' } };
const reason = 'expired: not started within its time to live';

describe('not-before and time to live of a job', () => {
  it('turns them into absolute times, and runs a past not-before now', () => {
    expect(jobTimesOf({ notBefore: NOW + 10, ttlMs: 100 }, NOW)).toEqual({
      notBefore: NOW + 10,
      expiresAt: NOW + 100,
    });
    expect(jobTimesOf({ notBefore: NOW - 10 }, NOW)).toEqual({});
    expect(jobTimesOf({ expiresAt: NOW + 1 }, NOW)).toEqual({ expiresAt: NOW + 1 });
  });

  it('refuses a time to live already passed, or ending before the not-before, with the reason', () => {
    expect(() => jobTimesOf({ ttlMs: 0 }, NOW)).toThrow(
      /ttlMs must be a number of ms > 0: a time to live already passed/,
    );
    expect(() => jobTimesOf({ expiresAt: NOW - 1 }, NOW)).toThrow(
      /has already passed; the job would never run/,
    );
    expect(() => jobTimesOf({ notBefore: NOW + 100, ttlMs: 50 }, NOW)).toThrow(
      /not after the not-before .* never run/,
    );
    expect(() => jobTimesOf({ ttlMs: 10, expiresAt: NOW + 10 }, NOW)).toThrow(ValidationError);
    expect(() => jobTimesOf({ notBefore: 'tomorrow' }, NOW)).toThrow(/notBefore must be a time in ms/);
    expect(() => jobTimesOf({ notBefore: NOW + 400 * 24 * 3600_000 }, NOW)).toThrow(/more than a year ahead/);
  });

  it('records a job with a not-before as waiting until released', () => {
    expect(decide({ type: 'SubmitJob', job: later }, evolveAll([]), ctx)).toEqual([submitted]);
    const waiting = evolveAll([submitted]);
    expect(waiting.status).toBe('waiting');
    expect(() =>
      decide({ type: 'LaunchTask', taskId: 't1', nodeId: 'n1', attemptId: 'a1' }, waiting, ctx),
    ).toThrow(IllegalStateError);
    expect(decide({ type: 'ReleaseJob' }, waiting, ctx)).toEqual([released]);
    expect(evolveAll([submitted, released]).status).toBe('active');
    expect(decide({ type: 'ReleaseJob' }, evolveAll([submitted, released]), ctx)).toEqual([]);
  });

  it('lets a waiting job be cancelled and adopted', () => {
    const waiting = evolveAll([submitted]);
    expect(decide({ type: 'CancelJob', reason: 'no' }, waiting, ctx)).toEqual([
      { type: 'JobCancelled', data: { jobId: 'j1', reason: 'no' } },
    ]);
    const adopted = decide({ type: 'AdoptJob' }, waiting, { frontendId: 'f2' });
    expect(evolveAll([submitted, ...adopted]).status).toBe('waiting');
  });

  it('expires the tasks that never started, and completes the job once none is open', () => {
    const launched: JobEvent = {
      type: 'TaskLaunched',
      data: { jobId: 'j1', taskId: 't1', nodeId: 'n1', attemptId: 'a1' },
    };
    const running = evolveAll([submitted, released, launched]);
    const expired = decide({ type: 'ExpireTasks', reason }, running, ctx);
    expect(expired).toEqual([{ type: 'TaskExpired', data: { jobId: 'j1', taskId: 't2', reason } }]);
    const after = evolveAll([submitted, released, launched, ...expired]);
    expect(after.tasks.get('t2')).toMatchObject({ status: 'expired', error: reason });
    expect(after.status).toBe('active');
    const ended = decide({ type: 'ReportTaskEnded', taskId: 't1', attemptId: 'a1', exitCode: 0 }, after, ctx);
    expect(ended.at(-1)).toEqual({
      type: 'JobCompleted',
      data: { jobId: 'j1', finished: 1, failed: 0, expired: 1 },
    });
    const none = decide({ type: 'ExpireTasks', reason }, evolveAll([submitted, released]), ctx);
    expect(none.map((e) => e.type)).toEqual(['TaskExpired', 'TaskExpired', 'JobCompleted']);
    expect(evolveAll([submitted, released, ...none])).toMatchObject({ status: 'completed', expired: 2 });
  });
});
