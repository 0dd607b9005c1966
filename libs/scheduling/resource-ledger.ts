import { IllegalStateError, ValidationError } from '@passerine/core';
import type { FreeCapacity } from './reservation-lane.ts';
import { addResources, fits, type Resources, subtractResources } from './resources.ts';

/**
 * A node monitor's slots and resources. Acquire refuses rather than overcommits; release refuses
 * to free more than was ever taken, since that would let the next acquire overcommit.
 */
export class ResourceLedger {
  private freeSlots: number;
  private freeResources: Resources;

  constructor(private readonly capacity: FreeCapacity) {
    if (!Number.isInteger(capacity.slots) || capacity.slots < 0) {
      throw new ValidationError('slots must be an integer >= 0', { field: 'slots' });
    }
    this.freeSlots = capacity.slots;
    this.freeResources = { ...capacity.resources };
  }

  /** Takes one slot and the demand if both are free; false otherwise, with nothing taken. */
  tryAcquire(demand: Resources): boolean {
    if (this.freeSlots < 1 || !fits(demand, this.freeResources)) return false;
    this.freeSlots--;
    this.freeResources = subtractResources(this.freeResources, demand);
    return true;
  }

  release(demand: Resources): void {
    const after = addResources(this.freeResources, demand);
    // Fractional cpus add up with rounding error; a millionth of slack absorbs it.
    const ceiling = addResources(this.capacity.resources, { cpus: 1e-6, memMb: 1e-6, diskMb: 1e-6 });
    if (this.freeSlots + 1 > this.capacity.slots || !fits(after, ceiling)) {
      throw new IllegalStateError('release of more slots or resources than were acquired', { demand });
    }
    this.freeSlots++;
    // Back to idle means back to exactly the capacity, so the error never accumulates.
    this.freeResources = this.freeSlots === this.capacity.slots ? { ...this.capacity.resources } : after;
  }

  get free(): FreeCapacity {
    return { slots: this.freeSlots, resources: { ...this.freeResources } };
  }

  get inUse(): number {
    return this.capacity.slots - this.freeSlots;
  }
}
