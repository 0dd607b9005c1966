import { IllegalStateError, NotFoundError, ValidationError } from '@passerine/core';
import { describe, expect, it } from 'vitest';
import type { JobCommand, JobContext } from './job-commands.ts';
import { decide } from './job-decide.ts';
import type { JobEvent } from './job-events.ts';
import type { JobSpec } from './job-spec.ts';
import { evolveAll } from './job-state.ts';
import { parseJob } from './validate-job.ts';

/**
 * given(events).when(command).thenEvents(events) — the rules read as a specification. Frontend f1
 * decides unless another is named.
 */
function given(...events: JobEvent[]) {
  return {
    when(command: JobCommand, context: JobContext = { frontendId: 'f1' }) {
      const run = () => decide(command, evolveAll(events), context);
      return {
        thenEvents: (expected: JobEvent[]) => expect(run()).toEqual(expected),
        thenThrows: (type: new (...args: never[]) => Error) => expect(run).toThrow(type),
      };
    },
  };
}

const job: JobSpec = parseJob({
  id: 'j1',
  maxRetries: 1,
  tasks: [
    { id: 't1', command: { command: 'true' } },
    { id: 't2', command: { command: 'true' }, constraints: { nodes: ['n1'] } },
  ],
});
const submitted: JobEvent = { type: 'JobSubmitted', data: { job, frontendId: 'f1' } };
const launched = (taskId: string, nodeId: string, attemptId: string): JobEvent => ({
  type: 'TaskLaunched',
  data: { jobId: 'j1', taskId, nodeId, attemptId },
});
const finished = (taskId: string, attemptId: string): JobEvent => ({
  type: 'TaskFinished',
  data: { jobId: 'j1', taskId, attemptId, exitCode: 0 },
});

describe('job decider', () => {
  it('accepts a submission', () => {
    given().when({ type: 'SubmitJob', job }).thenEvents([submitted]);
  });

  it('completes a job without tasks at once', () => {
    const empty = parseJob({ id: 'e' });
    given()
      .when({ type: 'SubmitJob', job: empty })
      .thenEvents([
        { type: 'JobSubmitted', data: { job: empty, frontendId: 'f1' } },
        { type: 'JobCompleted', data: { jobId: 'e', finished: 0, failed: 0 } },
      ]);
  });

  it('refuses a second submission', () => {
    given(submitted).when({ type: 'SubmitJob', job }).thenThrows(IllegalStateError);
  });

  it('launches a pending task on an allowed node', () => {
    given(submitted)
      .when({ type: 'LaunchTask', taskId: 't1', nodeId: 'n2', attemptId: 'a1' })
      .thenEvents([launched('t1', 'n2', 'a1')]);
  });

  it('refuses a launch outside the task constraint, twice, or of an unknown task', () => {
    given(submitted)
      .when({ type: 'LaunchTask', taskId: 't2', nodeId: 'n2', attemptId: 'a' })
      .thenThrows(ValidationError);
    given(submitted, launched('t1', 'n1', 'a1'))
      .when({ type: 'LaunchTask', taskId: 't1', nodeId: 'n1', attemptId: 'a2' })
      .thenThrows(IllegalStateError);
    given(submitted)
      .when({ type: 'LaunchTask', taskId: 'zz', nodeId: 'n1', attemptId: 'a' })
      .thenThrows(NotFoundError);
    given()
      .when({ type: 'LaunchTask', taskId: 't1', nodeId: 'n1', attemptId: 'a' })
      .thenThrows(NotFoundError);
  });

  it('completes the job with the last task end', () => {
    given(submitted, launched('t1', 'n1', 'a1'), finished('t1', 'a1'), launched('t2', 'n1', 'a2'))
      .when({ type: 'ReportTaskEnded', taskId: 't2', attemptId: 'a2', exitCode: 3 })
      .thenEvents([
        {
          type: 'TaskFailed',
          data: { jobId: 'j1', taskId: 't2', attemptId: 'a2', exitCode: 3, signal: null },
        },
        { type: 'JobCompleted', data: { jobId: 'j1', finished: 1, failed: 1 } },
      ]);
  });

  it('ignores a duplicate or stale report', () => {
    given(submitted, launched('t1', 'n1', 'a1'), finished('t1', 'a1'))
      .when({ type: 'ReportTaskEnded', taskId: 't1', attemptId: 'a1', exitCode: 0 })
      .thenEvents([]);
    given(submitted, launched('t1', 'n1', 'a2'))
      .when({ type: 'ReportTaskEnded', taskId: 't1', attemptId: 'a1', exitCode: 0 })
      .thenEvents([]);
  });

  it('retries the tasks of a lost node until the retries run out', () => {
    given(submitted, launched('t1', 'n1', 'a1'), launched('t2', 'n1', 'a2'))
      .when({ type: 'ReportNodeLost', nodeId: 'n1' })
      .thenEvents([
        {
          type: 'TaskRetried',
          data: { jobId: 'j1', taskId: 't1', attemptId: 'a1', reason: 'node n1 was lost' },
        },
        {
          type: 'TaskRetried',
          data: { jobId: 'j1', taskId: 't2', attemptId: 'a2', reason: 'node n1 was lost' },
        },
      ]);
    const retried: JobEvent = {
      type: 'TaskRetried',
      data: { jobId: 'j1', taskId: 't1', attemptId: 'a1', reason: 'x' },
    };
    given(
      submitted,
      launched('t2', 'n1', 'b'),
      finished('t2', 'b'),
      launched('t1', 'n1', 'a1'),
      retried,
      launched('t1', 'n1', 'a3'),
    )
      .when({ type: 'ReportNodeLost', nodeId: 'n1' })
      .thenEvents([
        {
          type: 'TaskFailed',
          data: {
            jobId: 'j1',
            taskId: 't1',
            attemptId: 'a3',
            exitCode: null,
            signal: null,
            error: 'node n1 was lost; 1 retries used up',
          },
        },
        { type: 'JobCompleted', data: { jobId: 'j1', finished: 1, failed: 1 } },
      ]);
  });

  it('cancels an active job once and refuses to cancel a completed one', () => {
    const cancelled: JobEvent = { type: 'JobCancelled', data: { jobId: 'j1', reason: 'user' } };
    given(submitted).when({ type: 'CancelJob', reason: 'user' }).thenEvents([cancelled]);
    given(submitted, cancelled).when({ type: 'CancelJob' }).thenEvents([]);
    given(submitted, cancelled)
      .when({ type: 'LaunchTask', taskId: 't1', nodeId: 'n1', attemptId: 'a' })
      .thenThrows(IllegalStateError);
    const empty = parseJob({ id: 'e' });
    given(
      { type: 'JobSubmitted', data: { job: empty, frontendId: 'f' } },
      { type: 'JobCompleted', data: { jobId: 'e', finished: 0, failed: 0 } },
    )
      .when({ type: 'CancelJob' })
      .thenThrows(IllegalStateError);
  });

  it('lets another frontend adopt the job', () => {
    given(submitted)
      .when({ type: 'AdoptJob' }, { frontendId: 'f2' })
      .thenEvents([
        { type: 'JobAdopted', data: { jobId: 'j1', frontendId: 'f2', previousFrontendId: 'f1' } },
      ]);
    given(submitted).when({ type: 'AdoptJob' }, { frontendId: 'f1' }).thenEvents([]);
  });

  it('refuses to replay an event the task machine forbids', () => {
    expect(() => evolveAll([submitted, finished('t2', 'never-launched')])).toThrow(IllegalStateError);
  });

  it('marks cancelled tasks in the state', () => {
    const state = evolveAll([
      submitted,
      launched('t1', 'n1', 'a1'),
      { type: 'JobCancelled', data: { jobId: 'j1', reason: 'x' } },
    ]);
    expect(state.status).toBe('cancelled');
    expect([...state.tasks.values()].map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(state.open).toBe(0);
  });
});
