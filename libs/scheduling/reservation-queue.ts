import { ValidationError } from '@passerine/core';
import {
  type FreeCapacity,
  type QueuedReservation,
  ReservationLane,
  type TakenReservation,
} from './reservation-lane.ts';

export type QueuePolicyName = 'fifo' | 'priority' | 'fair';

export interface ReservationQueue {
  readonly policy: QueuePolicyName;
  enqueue(reservation: QueuedReservation): void;
  /** Removes every reservation of the job (proactive cancellation); returns the units removed. */
  cancel(jobId: string): number;
  /** Takes one unit of the reservation the policy serves next among those that fit, or null. */
  takeNext(free: FreeCapacity): TakenReservation | null;
  /** Units waiting (the queue length a probe reports). */
  size(): number;
}

export interface ReservationQueueOptions {
  policy: QueuePolicyName;
  /** Weights of users under `fair` (default 1 each). */
  weights?: Record<string, number>;
}

class FifoQueue implements ReservationQueue {
  readonly policy = 'fifo';
  private readonly lane = new ReservationLane();

  enqueue(reservation: QueuedReservation): void {
    this.lane.push(reservation);
  }

  cancel(jobId: string): number {
    return this.lane.cancel(jobId);
  }

  takeNext(free: FreeCapacity): TakenReservation | null {
    const at = this.lane.firstFitting(free);
    return at < 0 ? null : this.lane.takeAt(at);
  }

  size(): number {
    return this.lane.size;
  }
}

/** Strict priorities: one lane per priority, lower number first, fifo within a priority. */
class PriorityQueue implements ReservationQueue {
  readonly policy = 'priority';
  private readonly lanes = new Map<number, ReservationLane>();
  private order: number[] = [];
  private units = 0;

  enqueue(reservation: QueuedReservation): void {
    let lane = this.lanes.get(reservation.priority);
    if (!lane) {
      lane = new ReservationLane();
      this.lanes.set(reservation.priority, lane);
      this.order = [...this.lanes.keys()].sort((a, b) => a - b);
    }
    lane.push(reservation);
    this.units += Math.max(0, reservation.count);
  }

  cancel(jobId: string): number {
    let removed = 0;
    for (const lane of this.lanes.values()) removed += lane.cancel(jobId);
    this.units -= removed;
    return removed;
  }

  takeNext(free: FreeCapacity): TakenReservation | null {
    for (const priority of this.order) {
      const lane = this.lanes.get(priority)!;
      const at = lane.firstFitting(free);
      if (at < 0) continue;
      this.units--;
      return lane.takeAt(at);
    }
    return null;
  }

  size(): number {
    return this.units;
  }
}

/**
 * Weighted fair queuing across users (start-time fair queuing): each user's virtual time advances
 * by 1/weight per unit served and the backlogged user with the smallest virtual time goes next. A
 * user who returns after an idle spell starts at the current virtual time, so idleness earns no credit.
 */
class FairQueue implements ReservationQueue {
  readonly policy = 'fair';
  private readonly users = new Map<string, { lane: ReservationLane; virtualTime: number }>();
  private virtualNow = 0;
  private units = 0;

  constructor(private readonly weights: Record<string, number>) {}

  enqueue(reservation: QueuedReservation): void {
    let user = this.users.get(reservation.user);
    if (!user) {
      user = { lane: new ReservationLane(), virtualTime: this.virtualNow };
      this.users.set(reservation.user, user);
    }
    user.lane.push(reservation);
    this.units += Math.max(0, reservation.count);
  }

  cancel(jobId: string): number {
    let removed = 0;
    for (const [name, user] of this.users) {
      removed += user.lane.cancel(jobId);
      if (user.lane.size === 0) this.users.delete(name);
    }
    this.units -= removed;
    return removed;
  }

  takeNext(free: FreeCapacity): TakenReservation | null {
    let best: { name: string; at: number; virtualTime: number } | undefined;
    for (const [name, user] of this.users) {
      if (best && user.virtualTime >= best.virtualTime) continue;
      const at = user.lane.firstFitting(free);
      if (at >= 0) best = { name, at, virtualTime: user.virtualTime };
    }
    if (!best) return null;
    const user = this.users.get(best.name)!;
    this.virtualNow = user.virtualTime;
    user.virtualTime += 1 / (this.weights[best.name] ?? 1);
    this.units--;
    const taken = user.lane.takeAt(best.at);
    if (user.lane.size === 0) this.users.delete(best.name);
    return taken;
  }

  size(): number {
    return this.units;
  }
}

export function createReservationQueue(options: ReservationQueueOptions): ReservationQueue {
  switch (options.policy) {
    case 'fifo':
      return new FifoQueue();
    case 'priority':
      return new PriorityQueue();
    case 'fair': {
      const weights = options.weights ?? {};
      for (const [user, weight] of Object.entries(weights)) {
        if (!(weight > 0))
          throw new ValidationError(`weights.${user} must be a number > 0`, { field: `weights.${user}` });
      }
      return new FairQueue(weights);
    }
    default:
      throw new ValidationError(`policy must be fifo, priority or fair (got ${String(options.policy)})`, {
        field: 'policy',
      });
  }
}
