import { describe, expect, it } from 'vitest';
import { jobEventInWords } from './job-words.ts';

const event = (type: string, data: unknown) => ({ type, v: 1, time: 0, id: 'e', data });

describe("a job's events in words", () => {
  it('says who did what for each kind of job event', () => {
    expect(
      jobEventInWords(event('JobSubmitted', { job: { user: 'ana', tasks: [{}, {}] }, frontendId: 'fe1' })),
    ).toEqual({ who: 'frontend fe1', what: 'submitted by user ana: 2 task(s)' });
    expect(jobEventInWords(event('TaskLaunched', { taskId: 't1', nodeId: 'n1', attemptId: 'a1' }))).toEqual({
      who: 'node n1',
      what: 'launched task t1 (attempt a1)',
    });
    expect(
      jobEventInWords(event('TaskFailed', { taskId: 't1', exitCode: null, signal: 'SIGKILL' }))?.what,
    ).toBe('task t1 failed: signal SIGKILL');
    expect(jobEventInWords(event('JobCompleted', { finished: 1, failed: 1 }))?.what).toBe(
      'completed: 1 finished, 1 failed',
    );
    expect(jobEventInWords(event('JobAdopted', { frontendId: 'fe2', previousFrontendId: 'fe1' }))).toEqual({
      who: 'frontend fe2',
      what: 'adopted from frontend fe1, which was lost',
    });
  });

  it('names an event type it does not know rather than hiding it', () => {
    expect(jobEventInWords(event('TaskMoved', {}))?.what).toBe('TaskMoved (not known to this version)');
  });
});
