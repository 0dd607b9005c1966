import type { JobEvent } from '../job-events.ts';
import type { TaskTiming } from '../job-result.ts';
import type { BindableTask } from '../late-binding.ts';
import type { LaunchSpec } from '../launch-spec.ts';
import type { Reservation } from '../probe-plan.ts';
import type { NodeLoad } from './node-loads.ts';
import type { OwnedJob } from './owned-job.ts';

/** Reservations as sent: some carry tasks for the node to launch on arrival (launch offers). */
export type OfferingReservation = Reservation & { offers?: LaunchSpec[] };

/**
 * Where a task handed out came from: late binding, the tasks packed onto the node, the node's
 * answer to a launch offer it held, or a late answer to one given up on but not handed out since.
 */
export type HandedOutFrom = 'binding' | 'bound' | 'offered' | 'unclaimed';

/**
 * What a frontend's scheduler decided, in memory: each event is applied by `evolve` and tells the
 * service what to do (messages to send; the job events in `JobRecorded` and `TaskHandedOut` to
 * append to the job's log subject). Events name the job they are about by the job itself.
 */
export type SchedulerEvent =
  /** A node monitor stated its load (on a getTask, a report or an offer answer). */
  | { type: 'NodeHeard'; nodeId: string; load: NodeLoad; at: number }
  /** A node left the membership view: what was known of it goes too. */
  | { type: 'NodeForgotten'; nodeId: string }
  /** This frontend took the job on (submitted here, or adopted). */
  | { type: 'JobTaken'; job: OwnedJob }
  /** Job events decided for the log: the service appends them. */
  | { type: 'JobRecorded'; job: OwnedJob; events: JobEvent[] }
  /** The job ended (its end is in the JobRecorded just before): announced once durable. */
  | { type: 'JobEnded'; job: OwnedJob; reason?: string }
  /** The job's submission was not accepted (its append failed): whatever of it started stops. */
  | { type: 'JobDropped'; job: OwnedJob }
  /** The job's submission is durable. */
  | { type: 'SubmitAcknowledged'; job: OwnedJob }
  /** Tasks placed (again): bound to nodes, given to late binding or left waiting for room. */
  | {
      type: 'TasksPlaced';
      job: OwnedJob;
      /** Tasks no longer bound to where they were packed before. */
      unbound: readonly string[];
      /** Tasks for late binding, with the reservations made for them. */
      tasks: BindableTask[];
      reservations: Reservation[];
      packed: ReadonlyArray<{ taskId: string; nodeId: string }>;
      waiting: readonly string[];
      /** What goes out: late binding's reservations and one per packed task. */
      send: Reservation[];
      at: number;
    }
  /** Jobs whose tasks waited for room are placed again (each waiting set starts empty). */
  | { type: 'RoomSought'; jobs: OwnedJob[] }
  /** Late binding counts on this many more reservations of the job at the node. */
  | { type: 'ReservationsAdded'; job: OwnedJob; nodeId: string; count: number }
  /** This many of the job's reservations at the node reached a slot or were refused. */
  | { type: 'ReservationsUsed'; job: OwnedJob; nodeId: string; count: number }
  /** A task sent along with a reservation at the node: held for it until the node answers. */
  | { type: 'TaskOffered'; job: OwnedJob; taskId: string; nodeId: string; attemptId: string; at: number }
  /** The node declined an offered task: back to late binding, its reservation queued there. */
  | { type: 'OfferDeclined'; job: OwnedJob; taskId: string; nodeId: string }
  /** Offers given up on (their node left, or no answer came): back to late binding. */
  | { type: 'OffersReleased'; job: OwnedJob; taskIds: string[] }
  /** A task launched at a node: `launched` is its TaskLaunched, for the log. */
  | {
      type: 'TaskHandedOut';
      job: OwnedJob;
      taskId: string;
      nodeId: string;
      attemptId: string;
      from: HandedOutFrom;
      at: number;
      launched: JobEvent[];
    }
  /** A task handed out that its job refused to launch (a bug): logged, and placed again. */
  | { type: 'TaskNotLaunched'; job: OwnedJob; taskId: string; from: HandedOutFrom; error: unknown }
  /** A node reported how a task of the job ended. */
  | { type: 'TaskEndReported'; job: OwnedJob; taskId: string; timing: TaskTiming }
  /** Reservations (probes) to send to their nodes. */
  | { type: 'ReservationsSent'; job: OwnedJob; reservations: OfferingReservation[] }
  /** The job's reservations at these nodes to drop; with `kill`, their running tasks stop too. */
  | { type: 'ReservationsCancelled'; job: OwnedJob; nodeIds: string[]; kill: boolean }
  /** A cancelled job's running tasks to stop, once the cancellation is durable. */
  | { type: 'RunningTasksStopped'; job: OwnedJob; nodeIds: string[] }
  /** One attempt at a node to stop: a launch it answered too late to count. */
  | { type: 'AttemptStopped'; jobId: string; nodeId: string; attemptId: string }
  /** The node that held reservations of the job is gone. */
  | { type: 'HolderLost'; job: OwnedJob; nodeId: string }
  /** The job was looked at for tasks to place again and had none: not again for a while. */
  | { type: 'JobChecked'; job: OwnedJob; at: number }
  /** The frontend stops scheduling: reservations already sent answer "no task" from then on. */
  | { type: 'SchedulingStopped' };

export type SchedulerEventType = SchedulerEvent['type'];
