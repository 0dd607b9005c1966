import type { JobEvent } from '../job-events.ts';
import { evolve as evolveJob } from '../job-state.ts';
import type { OwnedJob } from './owned-job.ts';
import type { HandedOutFrom, SchedulerEvent } from './scheduler-events.ts';
import type { SchedulerState } from './scheduler-state.ts';

function evolveJobState(job: OwnedJob, events: readonly JobEvent[]): void {
  for (const event of events) evolveJob(job.state, event);
}

/**
 * Applies one event to the scheduler's state, in place, and returns that same object: it is the
 * only code that changes a job a frontend owns, or what the frontend knows of its nodes. Events
 * carry whatever was chosen (tasks, nodes, ids, times), so applying one decides nothing.
 */
export function evolve(state: SchedulerState, event: SchedulerEvent): SchedulerState {
  switch (event.type) {
    case 'NodeHeard':
      state.loads.heardFrom(event.nodeId, event.load, event.at);
      break;
    case 'NodeForgotten':
      state.loads.forget(event.nodeId);
      break;
    case 'JobTaken':
      state.jobs.set(event.job.job.id, event.job);
      state.unlaunched.add(event.job);
      break;
    case 'JobRecorded':
      evolveJobState(event.job, event.events);
      break;
    case 'JobEnded':
      state.jobs.delete(event.job.job.id);
      break;
    case 'JobDropped': {
      const { job } = event;
      state.jobs.delete(job.job.id);
      // Never in the log, so never recorded as cancelled there; here it ends so that nothing still
      // holding it (a late answer, a walk of the unlaunched jobs) takes it for a live one.
      evolveJob(job.state, { type: 'JobCancelled', data: { jobId: job.job.id, reason: 'not accepted' } });
      break;
    }
    case 'SubmitAcknowledged':
      event.job.durable = true;
      break;
    case 'TasksPlaced': {
      const { job } = event;
      // Moved, not copied: what stays bound counts as committed at its node.
      for (const taskId of event.unbound) job.bound.unbind(taskId);
      for (const task of event.tasks) job.binding.addTask(task);
      if (event.tasks.length > 0) state.unlaunched.add(job);
      for (const r of event.reservations) job.binding.addReservations(r.nodeId, r.count);
      for (const { taskId, nodeId } of event.packed) {
        job.bound.bind(taskId, nodeId, job.tasks.get(taskId)!.resources);
        job.waiting.delete(taskId);
      }
      for (const taskId of event.waiting) job.waiting.add(taskId);
      if (job.waiting.size > 0) state.waitingForRoom.add(job);
      job.lastProgress = event.at;
      break;
    }
    case 'RoomSought':
      state.waitingForRoom.clear();
      for (const job of event.jobs) job.waiting.clear();
      break;
    case 'ReservationsAdded':
      event.job.binding.addReservations(event.nodeId, event.count);
      break;
    case 'ReservationsUsed':
      for (let i = 0; i < event.count; i++) event.job.binding.useReservation(event.nodeId);
      break;
    case 'TaskOffered': {
      const { job, taskId, nodeId } = event;
      // Late binding hands the task out on one of the job's reservations at the node, as a getTask.
      job.binding.useReservation(nodeId);
      job.binding.handOut(taskId);
      job.offered.set(taskId, { nodeId, attemptId: event.attemptId, at: event.at });
      break;
    }
    case 'OfferDeclined':
      event.job.offered.delete(event.taskId);
      event.job.binding.addReservations(event.nodeId, 1);
      event.job.binding.giveBack(event.taskId);
      state.unlaunched.add(event.job);
      break;
    case 'OffersReleased':
      for (const taskId of event.taskIds) {
        event.job.offered.delete(taskId);
        event.job.binding.giveBack(taskId);
        state.unlaunched.add(event.job);
      }
      break;
    case 'TaskHandedOut': {
      const { job, taskId } = event;
      takeOut(job, taskId, event.from);
      evolveJobState(job, event.launched);
      job.lastProgress = event.at;
      job.launched.set(taskId, {
        nodeId: event.nodeId,
        at: event.at,
        resources: job.tasks.get(taskId)!.resources,
      });
      break;
    }
    case 'TaskNotLaunched':
      takeOut(event.job, event.taskId, event.from);
      break;
    case 'TaskEndReported':
      event.job.launched.delete(event.taskId);
      event.job.timings.set(event.taskId, event.timing);
      break;
    case 'ReservationsSent':
      for (const { nodeId, count } of event.reservations) {
        event.job.holders.add(nodeId);
        state.loads.sent(nodeId, count);
      }
      break;
    case 'HolderLost':
      event.job.holders.delete(event.nodeId);
      break;
    case 'JobChecked':
      event.job.lastProgress = event.at;
      break;
    case 'SchedulingStopped':
      state.jobs.clear();
      state.unlaunched.clear();
      break;
    case 'ReservationsCancelled':
    case 'RunningTasksStopped':
    case 'AttemptStopped':
      // Messages only: nothing this frontend keeps changes.
      break;
  }
  return state;
}

/** A task handed out leaves where it was waiting to be. */
function takeOut(job: OwnedJob, taskId: string, from: HandedOutFrom): void {
  switch (from) {
    case 'binding':
      job.binding.handOut(taskId);
      break;
    case 'bound':
      job.bound.unbind(taskId);
      break;
    case 'offered':
      job.offered.delete(taskId);
      break;
    case 'unclaimed':
      job.binding.take(taskId);
      break;
  }
}
