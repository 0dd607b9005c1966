import { describe, expect, it } from 'vitest';
import { deadJobs, redriveJob } from './dead-jobs.ts';
import type { JobEvent } from './job-events.ts';
import { evolveAll } from './job-state.ts';
import { parseJob } from './validate-job.ts';

const at = { time: 0, v: 1 } as const;
const e = (type: string, data: object) => ({ ...at, id: `${type}-${Math.random()}`, type, data }) as JobEvent;

/** A job of tasks t0..t(n-1) that ran once each; `failing` failed with an error, the rest finished. */
function ended(id: string, n: number, failing: string[], extra: object = {}) {
  const job = parseJob({
    id,
    user: 'u',
    limit: { key: 'k', running: 1 },
    ...extra,
    tasks: Array.from({ length: n }, (_, i) => ({
      id: `t${i}`,
      command: { command: 'run', args: [String(i)] },
    })),
  });
  const events: JobEvent[] = [e('JobSubmitted', { job, frontendId: 'f' })];
  for (const task of job.tasks) {
    events.push(e('TaskLaunched', { taskId: task.id, attemptId: `${id}-${task.id}`, nodeId: 'n1' }));
    events.push(
      failing.includes(task.id)
        ? e('TaskFailed', { taskId: task.id, exitCode: 3, error: 'exited with code 3' })
        : e('TaskFinished', { taskId: task.id, exitCode: 0 }),
    );
  }
  events.push(e('JobCompleted', {}));
  return evolveAll(events);
}

describe('dead jobs', () => {
  it('are the jobs that ended with failed tasks, each with its last error', () => {
    const dead = deadJobs([ended('ok', 2, []), ended('bad', 3, ['t1'])]);
    expect(dead).toEqual([
      {
        jobId: 'bad',
        user: 'u',
        tasks: [{ taskId: 't1', attempts: 1, error: 'exited with code 3', exitCode: 3, nodeId: 'n1' }],
      },
    ]);
    expect(deadJobs([ended('bad', 3, ['t1'])], (s) => s.job!.user !== 'u')).toEqual([]);
  });

  it('redrive as the next generation of the id with only the failed tasks, and leave the view once redriven', () => {
    const bad = ended('bad', 3, ['t0', 't2']);
    const redrive = redriveJob(bad);
    expect(redrive).toMatchObject({ id: 'bad-redrive-1', user: 'u', limit: { key: 'k', running: 1 } });
    expect(redrive.tasks?.map((t) => t.id)).toEqual(['t0', 't2']);
    expect(redrive.tasks?.[1].command).toEqual({ command: 'run', args: ['2'] });

    const failedAgain = ended('bad-redrive-1', 1, ['t0']);
    expect(deadJobs([bad, failedAgain]).map((d) => d.jobId)).toEqual(['bad-redrive-1']);
    expect(redriveJob(failedAgain).id).toBe('bad-redrive-2');
    expect(deadJobs([bad, failedAgain, ended('bad-redrive-2', 1, [])])).toEqual([]);
  });
});
