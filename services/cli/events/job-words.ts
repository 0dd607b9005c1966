import type { EventEnvelope } from '@passerine/core';
import type { JobEvent } from '@passerine/scheduling';

/** A job event in words: who did it (a frontend, a node) and what happened. */
export function jobEventInWords(event: EventEnvelope): { who: string; what: string } | null {
  const e = { type: event.type, data: event.data } as JobEvent;
  switch (e.type) {
    case 'JobSubmitted': {
      const { job, frontendId } = e.data;
      return {
        who: `frontend ${frontendId}`,
        what: `submitted by user ${job.user}: ${job.tasks.length} task(s)`,
      };
    }
    case 'TaskLaunched':
      return {
        who: `node ${e.data.nodeId}`,
        what: `launched task ${e.data.taskId} (attempt ${e.data.attemptId})`,
      };
    case 'TaskFinished':
      return { who: 'node', what: `task ${e.data.taskId} finished, exit code ${e.data.exitCode}` };
    case 'TaskFailed': {
      const { taskId, exitCode, signal, error } = e.data;
      const how = error ?? (signal ? `signal ${signal}` : `exit code ${exitCode}`);
      return { who: 'node', what: `task ${taskId} failed: ${how}` };
    }
    case 'TaskRetried':
      return { who: 'frontend', what: `task ${e.data.taskId} to run again: ${e.data.reason}` };
    case 'JobReleased':
      return { who: 'frontend', what: 'its not-before time came: placed from now on' };
    case 'TaskExpired':
      return { who: 'frontend', what: `task ${e.data.taskId} ${e.data.reason}` };
    case 'JobCancelled':
      return { who: 'frontend', what: `cancelled: ${e.data.reason}` };
    case 'JobCompleted': {
      const expired = e.data.expired ? `, ${e.data.expired} expired` : '';
      return {
        who: 'frontend',
        what: `completed: ${e.data.finished} finished, ${e.data.failed} failed${expired}`,
      };
    }
    case 'JobAdopted':
      return {
        who: `frontend ${e.data.frontendId}`,
        what: `adopted from frontend ${e.data.previousFrontendId}, which was lost`,
      };
  }
  return { who: '?', what: `${event.type} (not known to this version)` };
}
