import { IllegalStateError, NotFoundError, ValidationError } from '@passerine/core';
import type { JobCommand, JobContext } from './job-commands.ts';
import type { JobCompleted, JobEvent, TaskExpired, TaskFailed, TaskRetried } from './job-events.ts';
import type { JobSpec } from './job-spec.ts';
import type { JobState, TaskState } from './job-state.ts';

function activeJob(state: JobState, command: string, orWaiting = false): JobSpec {
  if (state.status === 'new' || !state.job)
    throw new NotFoundError(`${command}: the job was never submitted`);
  if (state.status !== 'active' && !(orWaiting && state.status === 'waiting'))
    throw new IllegalStateError(`${command}: job ${state.job.id} is ${state.status}`);
  return state.job;
}

function taskOf(state: JobState, job: JobSpec, taskId: string): TaskState {
  const task = state.tasks.get(taskId);
  if (!task) throw new NotFoundError(`task ${taskId} is not part of job ${job.id}`, { taskId });
  return task;
}

/** Appends JobCompleted when the events about to be written close the last open tasks. */
function withCompletion(state: JobState, job: JobSpec, events: JobEvent[]): JobEvent[] {
  let closed = 0;
  let finished = state.finished;
  let failed = state.failed;
  let expired = state.expired;
  for (const event of events) {
    if (event.type === 'TaskFinished') finished++;
    if (event.type === 'TaskFailed') failed++;
    if (event.type === 'TaskExpired') expired++;
    if (event.type === 'TaskFinished' || event.type === 'TaskFailed' || event.type === 'TaskExpired')
      closed++;
  }
  if (closed === 0 || state.open - closed > 0) return events;
  const completed: JobCompleted = {
    type: 'JobCompleted',
    data: { jobId: job.id, finished, failed, ...(expired > 0 && { expired }) },
  };
  return [...events, completed];
}

/**
 * The job's rules, as a decider: which events a command produces given the state so far and the
 * frontend deciding. Pure, it never mutates the state (evolve in job-state.ts applies the events);
 * throws ValidationError, NotFoundError or IllegalStateError. Reports about an attempt that is no
 * longer current (a duplicate, or one from a node already declared lost) produce no events,
 * because reports are facts that may arrive twice or late.
 */
export function decide(command: JobCommand, state: JobState, context: JobContext): JobEvent[] {
  switch (command.type) {
    case 'SubmitJob': {
      if (state.status !== 'new') throw new IllegalStateError(`job ${command.job.id} was already submitted`);
      const submitted: JobEvent = {
        type: 'JobSubmitted',
        data: { job: command.job, frontendId: context.frontendId },
      };
      // A job without tasks completes at once (Sparrow used this as a liveness check).
      if (command.job.tasks.length === 0) {
        return [submitted, { type: 'JobCompleted', data: { jobId: command.job.id, finished: 0, failed: 0 } }];
      }
      return [submitted];
    }
    case 'LaunchTask': {
      const job = activeJob(state, 'LaunchTask');
      const task = taskOf(state, job, command.taskId);
      if (task.status !== 'pending') {
        throw new IllegalStateError(`task ${command.taskId} cannot be launched: it is ${task.status}`);
      }
      const spec = state.specs?.get(command.taskId) ?? job.tasks.find((t) => t.id === command.taskId);
      const allowed = spec?.constraints?.nodes;
      if (allowed && !allowed.includes(command.nodeId)) {
        throw new ValidationError(`task ${command.taskId} may not run on node ${command.nodeId}`, {
          allowed,
        });
      }
      return [
        {
          type: 'TaskLaunched',
          data: {
            jobId: job.id,
            taskId: command.taskId,
            nodeId: command.nodeId,
            attemptId: command.attemptId,
          },
        },
      ];
    }
    case 'ReportTaskEnded': {
      if (state.status !== 'active' || !state.job) return [];
      const job = state.job;
      const task = taskOf(state, job, command.taskId);
      if (task.status !== 'running' || task.attemptId !== command.attemptId) return [];
      const base = { jobId: job.id, taskId: command.taskId, attemptId: command.attemptId };
      const ok = command.exitCode === 0 && command.error === undefined && !command.signal;
      const ended: JobEvent = ok
        ? { type: 'TaskFinished', data: { ...base, exitCode: 0 } }
        : {
            type: 'TaskFailed',
            data: {
              ...base,
              exitCode: command.exitCode,
              signal: command.signal ?? null,
              ...(command.error !== undefined && { error: command.error }),
            },
          };
      return withCompletion(state, job, [ended]);
    }
    case 'ReportNodeLost': {
      if (state.status !== 'active' || !state.job) return [];
      const job = state.job;
      const reason = command.reason ?? `node ${command.nodeId} was lost`;
      const events: Array<TaskRetried | TaskFailed> = [];
      for (const [taskId, task] of state.tasks) {
        if (task.status !== 'running' || task.nodeId !== command.nodeId) continue;
        const attemptId = task.attemptId!;
        if (task.attempts <= job.maxRetries) {
          events.push({ type: 'TaskRetried', data: { jobId: job.id, taskId, attemptId, reason } });
        } else {
          const error = `${reason}; ${job.maxRetries} retries used up`;
          events.push({
            type: 'TaskFailed',
            data: { jobId: job.id, taskId, attemptId, exitCode: null, signal: null, error },
          });
        }
      }
      return withCompletion(state, job, events);
    }
    case 'ReleaseJob': {
      if (state.status !== 'waiting' || !state.job) return [];
      return [{ type: 'JobReleased', data: { jobId: state.job.id } }];
    }
    case 'ExpireTasks': {
      if ((state.status !== 'active' && state.status !== 'waiting') || !state.job) return [];
      const job = state.job;
      const expired: TaskExpired[] = [];
      for (const [taskId, task] of state.tasks) {
        if (task.status !== 'pending' || task.attempts > 0) continue;
        expired.push({ type: 'TaskExpired', data: { jobId: job.id, taskId, reason: command.reason } });
      }
      return withCompletion(state, job, expired);
    }
    case 'CancelJob': {
      if (state.status === 'cancelled') return [];
      const job = activeJob(state, 'CancelJob', true);
      return [{ type: 'JobCancelled', data: { jobId: job.id, reason: command.reason ?? 'cancelled' } }];
    }
    case 'AdoptJob': {
      const job = activeJob(state, 'AdoptJob', true);
      if (state.frontendId === context.frontendId) return [];
      return [
        {
          type: 'JobAdopted',
          data: { jobId: job.id, frontendId: context.frontendId, previousFrontendId: state.frontendId! },
        },
      ];
    }
  }
}
