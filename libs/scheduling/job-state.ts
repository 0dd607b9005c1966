import { deriveTransitionTable, IllegalStateError } from '@passerine/core';
import type { JobEvent } from './job-events.ts';
import { type JobLifecycleEvent, type JobStatus, jobMachine } from './job-machine.ts';
import type { JobSpec, TaskSpec } from './job-spec.ts';
import { type TaskLifecycleEvent, type TaskStatus, taskMachine } from './task-machine.ts';

/** Derived once at load time from the machines; see libs/core's transition-table.ts for why. */
export const jobTransitions = deriveTransitionTable<JobStatus, JobLifecycleEvent>(jobMachine);
export const taskTransitions = deriveTransitionTable<TaskStatus, TaskLifecycleEvent>(taskMachine);

export interface TaskState {
  status: TaskStatus;
  /** Launches so far; retries used = attempts − 1. */
  attempts: number;
  attemptId?: string;
  nodeId?: string;
  exitCode?: number | null;
  error?: string;
}

export interface JobState {
  status: JobStatus;
  job?: JobSpec;
  /** The job's tasks by id, so a decision about one does not scan them all. */
  specs?: Map<string, TaskSpec>;
  frontendId?: string;
  tasks: Map<string, TaskState>;
  /** Tasks not yet finished, failed or cancelled. */
  open: number;
  finished: number;
  failed: number;
  /** Tasks that never started within the job's time to live. */
  expired: number;
}

export function initialJobState(): JobState {
  return { status: 'new', tasks: new Map(), open: 0, finished: 0, failed: 0, expired: 0 };
}

export function nextJobStatus(status: JobStatus, event: JobLifecycleEvent): JobStatus | undefined {
  return jobTransitions[status][event];
}

export function nextTaskStatus(status: TaskStatus, event: TaskLifecycleEvent): TaskStatus | undefined {
  return taskTransitions[status][event];
}

function moveJob(state: JobState, event: JobLifecycleEvent): void {
  const next = nextJobStatus(state.status, event);
  if (!next)
    throw new IllegalStateError(`job ${state.job?.id ?? '?'}: ${event} is illegal when ${state.status}`);
  state.status = next;
}

function moveTask(state: JobState, taskId: string, event: TaskLifecycleEvent): TaskState {
  const task = state.tasks.get(taskId);
  if (!task)
    throw new IllegalStateError(`job ${state.job?.id ?? '?'}: ${event} names unknown task ${taskId}`);
  const next = nextTaskStatus(task.status, event);
  if (!next) throw new IllegalStateError(`task ${taskId}: ${event} is illegal when ${task.status}`);
  const wasOpen = task.status === 'pending' || task.status === 'running';
  task.status = next;
  if (wasOpen && next !== 'pending' && next !== 'running') state.open--;
  if (next === 'finished') state.finished++;
  if (next === 'failed') state.failed++;
  if (next === 'expired') state.expired++;
  return task;
}

/**
 * Applies one event. It updates the state in place and returns it, so replaying a job of 100k
 * tasks costs O(events) rather than O(events × tasks); decide never mutates, so a caller that
 * needs the old state keeps it by not evolving it.
 */
export function evolve(state: JobState, event: JobEvent): JobState {
  switch (event.type) {
    case 'JobSubmitted': {
      moveJob(state, event.data.job.notBefore === undefined ? 'JobSubmitted' : 'JobSubmittedForLater');
      state.job = event.data.job;
      state.specs = new Map(event.data.job.tasks.map((task) => [task.id, task]));
      state.frontendId = event.data.frontendId;
      for (const task of event.data.job.tasks) state.tasks.set(task.id, { status: 'pending', attempts: 0 });
      state.open = event.data.job.tasks.length;
      return state;
    }
    case 'TaskLaunched': {
      const task = moveTask(state, event.data.taskId, 'TaskLaunched');
      task.attempts++;
      task.attemptId = event.data.attemptId;
      task.nodeId = event.data.nodeId;
      return state;
    }
    case 'TaskFinished': {
      moveTask(state, event.data.taskId, 'TaskFinished').exitCode = event.data.exitCode;
      return state;
    }
    case 'TaskFailed': {
      const task = moveTask(state, event.data.taskId, 'TaskFailed');
      task.exitCode = event.data.exitCode;
      if (event.data.error !== undefined) task.error = event.data.error;
      return state;
    }
    case 'TaskRetried': {
      const task = moveTask(state, event.data.taskId, 'TaskRetried');
      task.attemptId = undefined;
      task.nodeId = undefined;
      return state;
    }
    case 'JobReleased':
      moveJob(state, 'JobReleased');
      return state;
    case 'TaskExpired': {
      moveTask(state, event.data.taskId, 'TaskExpired').error = event.data.reason;
      return state;
    }
    case 'JobCancelled': {
      moveJob(state, 'JobCancelled');
      for (const [taskId, task] of state.tasks) {
        if (task.status === 'pending' || task.status === 'running') moveTask(state, taskId, 'JobCancelled');
      }
      return state;
    }
    case 'JobCompleted':
      moveJob(state, 'JobCompleted');
      return state;
    case 'JobAdopted':
      moveJob(state, 'JobAdopted');
      state.frontendId = event.data.frontendId;
      return state;
  }
}

export function evolveAll(events: readonly JobEvent[], state: JobState = initialJobState()): JobState {
  for (const event of events) evolve(state, event);
  return state;
}
