export * from './resources.ts';
export * from './random.ts';
export * from './job-spec.ts';
export * from './node-view.ts';
export { checkPlaceable, limitOf, parseJob } from './validate-job.ts';
export * from './job-machine.ts';
export * from './task-machine.ts';
export type * from './job-events.ts';
export type * from './job-commands.ts';
export * from './job-state.ts';
export { decide } from './job-decide.ts';
export { jobDecider } from './job-decider.ts';
export * from './probe-plan.ts';
export * from './baseline-placement.ts';
export * from './late-binding.ts';
export type { FreeCapacity, QueuedReservation, TakenReservation } from './reservation-lane.ts';
export * from './reservation-queue.ts';
export * from './resource-ledger.ts';
export * from './bin-packing.ts';
export * from './packing-choice.ts';
export * from './resource-packing.ts';
export * from './bound-tasks.ts';
export * from './job-result.ts';
export { type JobTimes, jobTimesOf, MAX_JOB_DELAY_MS } from './job-times.ts';
export { digestOfJob, type FirstSubmit, repeatOf } from './job-idempotency.ts';
export type { KeyHoldRef, LaunchSpec } from './launch-spec.ts';
// A frontend's scheduler: the jobs it owns, decided a step at a time and changed only by its evolve.
export type * from './scheduler/inputs.ts';
export type * from './scheduler/scheduler-events.ts';
export type { NodeLoad } from './scheduler/node-loads.ts';
export {
  initialSchedulerState,
  type NodeDirectory,
  type SchedulerContext,
  type SchedulerState,
} from './scheduler/scheduler-state.ts';
export type { OwnedJob } from './scheduler/owned-job.ts';
export type { PlacementMode } from './scheduler/placement.ts';
export { Handling } from './scheduler/handling.ts';
export {
  acknowledgeSubmit,
  cancelOwnedJob,
  dropJob,
  scheduleJob,
  stopScheduling,
  takeAdopted,
} from './scheduler/job-lifecycle.ts';
export { answerSlot, declineSlot } from './scheduler/slot-answers.ts';
export { expireJobTasks, releaseJob } from './scheduler/job-times.ts';
export { answerOffers } from './scheduler/offer-answers.ts';
export { endTask } from './scheduler/task-ends.ts';
export { nodeLost, replaceStarved } from './scheduler/node-loss.ts';
export { seekRoom } from './scheduler/placing.ts';
export { chooseAdopter, type UnrecordedRunsStop, unrecordedRunsStop } from './scheduler/adopter.ts';
export { type DeadJob, type DeadTask, deadJobs, REDRIVE_MARK, redriveJob } from './dead-jobs.ts';
