import { fits, type Resources } from './resources.ts';

/** A reservation a frontend left at a node monitor: `count` tasks of one job, each needing `resources`. */
export interface QueuedReservation {
  jobId: string;
  frontendId: string;
  user: string;
  priority: number;
  count: number;
  resources: Resources;
  /** When it reached the node monitor (ms); only timing reports use it. */
  arrivedAt?: number;
}

/** One unit taken off the queue: the node monitor now calls getTask on the frontend for this job. */
export type TakenReservation = Omit<QueuedReservation, 'count'>;

export interface FreeCapacity {
  slots: number;
  resources: Resources;
}

/**
 * Reservations in arrival order. Taking skips entries that do not fit what is free, so a large
 * task waiting for memory does not idle the slots a small one could use (no preemption, as in
 * Sparrow); queues at a node monitor are short, so the linear scan is cheap.
 */
export class ReservationLane {
  private readonly entries: QueuedReservation[] = [];
  private units = 0;

  push(reservation: QueuedReservation): void {
    if (reservation.count <= 0) return;
    this.entries.push({ ...reservation });
    this.units += reservation.count;
  }

  /** Removes every reservation of the job; returns how many units went. */
  cancel(jobId: string): number {
    let removed = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i].jobId !== jobId) continue;
      removed += this.entries[i].count;
      this.entries.splice(i, 1);
    }
    this.units -= removed;
    return removed;
  }

  /** Index of the first reservation that fits, or -1. */
  firstFitting(free: FreeCapacity): number {
    if (free.slots < 1) return -1;
    return this.entries.findIndex((entry) => fits(entry.resources, free.resources));
  }

  takeAt(index: number): TakenReservation {
    const entry = this.entries[index];
    entry.count--;
    this.units--;
    if (entry.count === 0) this.entries.splice(index, 1);
    const { count: _count, ...taken } = entry;
    return taken;
  }

  get size(): number {
    return this.units;
  }
}
