import type { NodeAdvert } from '@passerine/scheduling-protocol';
import type { Clock } from '@passerine/core';
import {
  asksForResources,
  type Committed,
  commit,
  type JobSpec,
  NO_RESOURCES,
  type NodeView,
  type Random,
  type Reservation,
  sampleLeastLoaded,
  type TaskSpec,
} from '@passerine/scheduling';
import type { LaunchOffers } from './launch-offers.ts';
import type { MembershipView } from './membership-view.ts';
import type { NodeLoads } from './node-loads.ts';
import type { OwnedJob } from './owned-job.ts';
import {
  batchPlacement,
  boundPlacement,
  type JobPlacement,
  type PlacementMode,
  replaceTasks,
} from './placement.ts';
import type { Reservations } from './reservations.ts';
import type { UnlaunchedJobs } from './unlaunched-jobs.ts';

export interface JobPlacerDeps {
  nodes: MembershipView<NodeAdvert>;
  placement: PlacementMode;
  random: Random;
  clock: Clock;
  reservations: Reservations;
  offers: LaunchOffers;
  loads: NodeLoads;
  unlaunched: UnlaunchedJobs<OwnedJob>;
  /** The frontend's active jobs, oldest first: packing counts what they hold at each node. */
  jobs: () => Iterable<OwnedJob>;
}

/**
 * Where the tasks of a frontend's jobs go, first and again: batch sampling for tasks that ask for
 * nothing, packing onto free resources for tasks that do (each bound to its node), and the tasks
 * that fit nowhere yet, kept waiting and placed again when resources may have freed.
 */
export class JobPlacer {
  private readonly loadOf: (node: NodeView) => number;
  /** Jobs with tasks that fit no node's free resources yet (see `waiting`). */
  private readonly waitingForRoom = new Set<OwnedJob>();

  constructor(private readonly deps: JobPlacerDeps) {
    this.loadOf = (node) => deps.loads.loadOf(node);
  }

  /** A new job's placement; nothing is sent until `start`. */
  plan(job: JobSpec): JobPlacement {
    const { nodes, random, placement } = this.deps;
    return placement === 'batch'
      ? batchPlacement(job, nodes.live(), random, this.committedFor(job.tasks), this.loadOf)
      : boundPlacement(job, nodes.live(), random, placement);
  }

  /** Binds the packed tasks of a planned job and sends its reservations. */
  start(owned: OwnedJob, placed: JobPlacement): void {
    this.bindPacked(owned, placed.packed, placed.waiting);
    this.send(owned, [...placed.reservations, ...placed.packedReservations]);
  }

  /** Places these tasks of the job again (retried, lost reservations, waiting for room). */
  again(owned: OwnedJob, pending: string[]): void {
    // A task offered to a node is placed again only once the offer is answered or released.
    const taskIds = owned.offered.size > 0 ? pending.filter((id) => !owned.offered.has(id)) : pending;
    if (taskIds.length === 0 || owned.state.status !== 'active') return;
    // Moved, not copied: what stays bound counts as committed at its node.
    for (const taskId of taskIds) owned.bound.unbind(taskId);
    const tasks = taskIds.flatMap((id) => owned.tasks.get(id) ?? []);
    const batch = this.deps.placement === 'batch';
    const committed = batch ? this.committedFor(tasks) : undefined;
    const placed = replaceTasks(
      owned.job,
      taskIds,
      this.deps.nodes.live(),
      this.deps.random,
      committed,
      batch ? this.loadOf : undefined,
    );
    for (const task of placed.tasks) owned.binding.addTask(task);
    if (placed.tasks.length > 0) this.deps.unlaunched.add(owned);
    for (const r of placed.reservations) owned.binding.addReservations(r.nodeId, r.count);
    this.bindPacked(owned, placed.packed, placed.waiting);
    owned.lastProgress = this.deps.clock.now();
    this.send(owned, [...placed.reservations, ...placed.packedReservations]);
  }

  /**
   * One more reservation (holding nothing, as batch sampling's do) for a job that gave one of its
   * slots away or had one refused, at the lighter of two live nodes that may run its tasks (other
   * than `avoid`); none when no live node may.
   */
  reserveOneMore(owned: OwnedJob, avoid?: string): void {
    const allowed = this.deps.nodes
      .live()
      .filter((node) => node.id !== avoid && owned.binding.canOffer(node.id));
    const [node] = sampleLeastLoaded(allowed, 1, this.deps.random, this.loadOf);
    if (!node) return;
    owned.binding.addReservations(node.id, 1);
    this.send(owned, [{ nodeId: node.id, count: 1, resources: NO_RESOURCES }]);
  }

  /**
   * Idle slots pull: a node that has `freeSlots` and no reservation queued gets reservations of the
   * oldest jobs taken on before `waitedSince` that still have tasks to launch and may run there,
   * one per free slot. Sampling alone leaves such a slot idle until some probe happens to land on
   * it, while a task of an older job waits behind running tasks elsewhere.
   */
  fillIdleSlots(nodeId: string, freeSlots: number, waitedSince: number): void {
    let free = freeSlots;
    for (const owned of this.deps.unlaunched.oldestFirst()) {
      if (free <= 0 || owned.since > waitedSince) return;
      if (owned.state.status !== 'active' || !owned.binding.canOffer(nodeId)) continue;
      const count = Math.min(free, owned.binding.unlaunchedCount);
      free -= count;
      owned.binding.addReservations(nodeId, count);
      this.send(owned, [{ nodeId, count, resources: NO_RESOURCES }]);
    }
  }

  /**
   * Tasks that fit no node's free resources when placed: tried again, oldest job first. Called on
   * every task report, so it walks only the jobs that have such tasks, not every job.
   */
  waiting(): void {
    if (this.waitingForRoom.size === 0) return;
    const jobs = [...this.waitingForRoom].sort((a, b) => a.since - b.since);
    this.waitingForRoom.clear();
    for (const owned of jobs) {
      const waiting = [...owned.waiting].filter((id) => owned.state.tasks.get(id)?.status === 'pending');
      owned.waiting.clear();
      this.again(owned, waiting);
    }
  }

  /** Sends reservations, tasks along with those to idle slots (see LaunchOffers). */
  private send(owned: OwnedJob, reservations: Reservation[]): void {
    const { send, cancel } = this.deps.offers.attach(owned, reservations);
    this.deps.reservations.send(owned, send);
    const leftover = cancel.filter((node) => !owned.bound.waitsAt(node));
    if (leftover.length > 0) this.deps.reservations.cancel(owned, leftover, false);
  }

  private bindPacked(owned: OwnedJob, packed: JobPlacement['packed'], waiting: readonly string[]): void {
    for (const { taskId, nodeId } of packed) {
      owned.bound.bind(taskId, nodeId, owned.tasks.get(taskId)!.resources);
      owned.waiting.delete(taskId);
    }
    for (const taskId of waiting) owned.waiting.add(taskId);
    if (owned.waiting.size > 0) this.waitingForRoom.add(owned);
  }

  /**
   * Slots and resources this frontend has given out at each node that the node's advert does not
   * show yet: tasks packed there and not started, and tasks launched there since its last heartbeat.
   * (The two clocks are assumed to agree to well under a heartbeat; a skew only shifts for how long
   * a launch is counted.)
   */
  private committedFor(tasks: readonly TaskSpec[]): Map<string, Committed> {
    const committed = new Map<string, Committed>();
    // Only packing reads it: a batch of tasks that ask for no resources is sampled, not packed.
    if (!tasks.some(asksForResources)) return committed;
    for (const owned of this.deps.jobs()) {
      owned.bound.addCommitted(committed);
      for (const { nodeId, at, resources } of owned.launched.values()) {
        const advertisedAt = this.deps.nodes.get(nodeId)?.lastHeartbeat;
        if (advertisedAt !== undefined && at >= advertisedAt) commit(committed, nodeId, resources);
      }
    }
    return committed;
  }
}
