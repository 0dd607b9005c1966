import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../job-events.ts';
import { evolveAll } from '../job-state.ts';
import { parseJob } from '../validate-job.ts';
import { chooseAdopter, unrecordedRunsStop } from './adopter.ts';

const job = parseJob({
  id: 'j1',
  tasks: ['t1', 't2', 't3'].map((id) => ({ id, command: { command: 'true' } })),
});
const submitted: JobEvent = { type: 'JobSubmitted', data: { job, frontendId: 'dead' } };
const launched = (taskId: string, attemptId: string): JobEvent => ({
  type: 'TaskLaunched',
  data: { jobId: 'j1', taskId, nodeId: 'n1', attemptId },
});
const finished = (taskId: string, attemptId: string): JobEvent => ({
  type: 'TaskFinished',
  data: { jobId: 'j1', taskId, attemptId, exitCode: 0 },
});

describe('adopting the job of a dead frontend', () => {
  it('is done by the same live frontend whoever computes it', () => {
    expect(chooseAdopter('dead', ['b', 'a', 'c'])).toBe(chooseAdopter('dead', ['c', 'b', 'a']));
    expect(chooseAdopter('dead', [])).toBeUndefined();
  });

  it('stops, at every live node, the runs the log does not know of, keeping those it records', () => {
    const state = evolveAll([submitted, launched('t1', 'a1'), launched('t2', 'a2'), finished('t2', 'a2')]);
    // t3 is waiting in the log, but its launch may have happened without being recorded.
    expect(unrecordedRunsStop(state, ['n1', 'n2'])).toEqual({ nodeIds: ['n1', 'n2'], keepAttempts: ['a1'] });
  });

  it('stops nothing when no task is waiting, or no node is live', () => {
    const launchedAll = evolveAll([
      submitted,
      launched('t1', 'a1'),
      launched('t2', 'a2'),
      launched('t3', 'a3'),
    ]);
    expect(unrecordedRunsStop(launchedAll, ['n1'])).toBeUndefined();
    expect(unrecordedRunsStop(evolveAll([submitted]), [])).toBeUndefined();
  });
});
