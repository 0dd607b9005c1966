import type { ProbePlan, Reservation } from './probe-plan.ts';

export interface BindableTask {
  id: string;
  /** Nodes that may run it; absent means any of the job's batch nodes. */
  allowedNodes?: readonly string[];
}

/** Where a reading of successive offers got to (see LateBinding.cursor). */
export interface OfferCursor {
  /** The tasks the reading named, each once. */
  readonly taken: Set<string>;
  unrestrictedAt: number;
  restrictedAt?: Map<string, number>;
}

export interface GetTaskAnswer {
  /** The task this node should launch now, or null: "no task". */
  taskId: string | null;
  /**
   * Set on the one call that hands out the last task: the nodes still holding reservations for
   * this job, to be cancelled proactively rather than left to call getTask in vain.
   */
  cancel: string[];
}

/**
 * One job's late binding on the frontend: node monitors whose reservation reached the front ask
 * for a task; the first callers get the tasks, the rest get none. A node is offered the tasks that
 * are restricted to a set containing it before the unrestricted ones, because those can go anywhere.
 * Amortised O(1) per call: launched tasks are skipped lazily.
 */
export class LateBinding {
  private readonly unrestricted: string[] = [];
  private unrestrictedAt = 0;
  private readonly restrictedByNode = new Map<string, string[]>();
  private readonly unlaunched = new Set<string>();
  /** Each task's allowed nodes, to put a task given back where it was. */
  private readonly allowed = new Map<string, readonly string[] | undefined>();
  private readonly held = new Map<string, number>();
  private heldTotal = 0;
  private readonly batchNodes: ReadonlySet<string> | undefined;

  constructor(
    tasks: readonly BindableTask[],
    reservations: readonly Reservation[] = [],
    batchNodes?: Iterable<string>,
  ) {
    this.batchNodes = batchNodes ? new Set(batchNodes) : undefined;
    for (const task of tasks) this.addTask(task);
    for (const { nodeId, count } of reservations) this.addReservations(nodeId, count);
  }

  /** Builds the binding for a job from its probe plan; `taskIds` lists the job's tasks in order. */
  static fromPlan(taskIds: readonly string[], plan: ProbePlan): LateBinding {
    const tasks = taskIds
      .filter((id) => !plan.unplaceable.includes(id))
      .map((id) => ({ id, allowedNodes: plan.constrained.get(id) }));
    return new LateBinding(tasks, plan.reservations, plan.batchNodes);
  }

  /** Adds a task (again): a retried task goes back to waiting for a getTask. */
  addTask(task: BindableTask): void {
    this.unlaunched.add(task.id);
    this.allowed.set(task.id, task.allowedNodes);
    if (!task.allowedNodes) {
      this.unrestricted.push(task.id);
      return;
    }
    for (const nodeId of task.allowedNodes) {
      let list = this.restrictedByNode.get(nodeId);
      if (!list) {
        list = [];
        this.restrictedByNode.set(nodeId, list);
      }
      list.push(task.id);
    }
  }

  addReservations(nodeId: string, count: number): void {
    this.held.set(nodeId, (this.held.get(nodeId) ?? 0) + count);
    this.heldTotal += count;
  }

  getTask(nodeId: string): GetTaskAnswer {
    this.useReservation(nodeId);
    return this.offer(nodeId);
  }

  /** One of the job's reservations at this node reached a slot (whatever that slot then runs). */
  useReservation(nodeId: string): void {
    const left = this.held.get(nodeId) ?? 0;
    if (left === 0) return;
    if (left === 1) this.held.delete(nodeId);
    else this.held.set(nodeId, left - 1);
    this.heldTotal--;
  }

  /** Reservations still out for this job, at every node. */
  get reservationsHeld(): number {
    return this.heldTotal;
  }

  /**
   * A task for a slot that a node reserved for another job which had none left to give: the
   * node's reservations of this job, if any, are left as they are.
   */
  offer(nodeId: string): GetTaskAnswer {
    const taskId = this.next(nodeId);
    if (taskId === null) return { taskId: null, cancel: [] };
    const cancel = this.unlaunched.size === 1 ? this.leftoverReservations() : [];
    this.handOut(taskId);
    return { taskId, cancel };
  }

  /**
   * The task `offer(nodeId)` would hand out, without handing it out: what a decision reads before
   * its events are applied. Tasks handed out already are dropped from the index where they are met
   * at its ends, which changes nothing a caller can see and keeps every call amortised O(1).
   */
  next(nodeId: string): string | null {
    if (this.unlaunched.size === 0) return null;
    const list = this.restrictedByNode.get(nodeId);
    if (list) {
      while (list.length > 0 && !this.unlaunched.has(list[list.length - 1])) list.pop();
      if (list.length > 0) return list[list.length - 1];
    }
    if (this.batchNodes && !this.batchNodes.has(nodeId)) return null;
    const all = this.unrestricted;
    while (this.unrestrictedAt < all.length && !this.unlaunched.has(all[this.unrestrictedAt]))
      this.unrestrictedAt++;
    return this.unrestrictedAt < all.length ? all[this.unrestrictedAt] : null;
  }

  /** A reading of what successive offers, at any nodes, would hand out (see nextFor). */
  cursor(): OfferCursor {
    return { taken: new Set(), unrestrictedAt: this.unrestrictedAt };
  }

  /**
   * The task the next offer at this node would hand out once the tasks `cursor` took are gone,
   * taken by the cursor; nothing is handed out. One decision offering tasks at several nodes reads
   * them this way, in O(1) amortised per task, and its events hand them out.
   */
  nextFor(nodeId: string, cursor: OfferCursor): string | null {
    if (cursor.taken.size >= this.unlaunched.size) return null;
    const list = this.restrictedByNode.get(nodeId);
    if (list) {
      cursor.restrictedAt ??= new Map();
      let at = cursor.restrictedAt.get(nodeId) ?? list.length - 1;
      while (at >= 0 && (!this.unlaunched.has(list[at]) || cursor.taken.has(list[at]))) at--;
      cursor.restrictedAt.set(nodeId, at - 1);
      if (at >= 0) return this.takenBy(cursor, list[at]);
    }
    if (this.batchNodes && !this.batchNodes.has(nodeId)) return null;
    const all = this.unrestricted;
    let at = cursor.unrestrictedAt;
    while (at < all.length && (!this.unlaunched.has(all[at]) || cursor.taken.has(all[at]))) at++;
    cursor.unrestrictedAt = at + 1;
    return at < all.length ? this.takenBy(cursor, all[at]) : null;
  }

  private takenBy(cursor: OfferCursor, taskId: string): string {
    cursor.taken.add(taskId);
    return taskId;
  }

  /**
   * Hands out a task `next` named: none offers it again. The last one out clears the job's
   * reservations (the one handing it out cancels them at their nodes, see `offer`).
   */
  handOut(taskId: string): void {
    if (!this.unlaunched.delete(taskId) || this.unlaunched.size > 0) return;
    this.held.clear();
    this.heldTotal = 0;
  }

  /**
   * A task handed out that did not launch (a launch offer the node declined, or one that got no
   * answer): it waits for a getTask again, under the constraints it had.
   */
  giveBack(taskId: string): void {
    if (this.unlaunched.has(taskId) || !this.allowed.has(taskId)) return;
    this.addTask({ id: taskId, allowedNodes: this.allowed.get(taskId) });
  }

  /** A task launched by other means than `offer` (a late answer to a launch offer): none hands it out again. */
  take(taskId: string): void {
    this.unlaunched.delete(taskId);
  }

  /** Whether `offer(nodeId)` would hand out a task. */
  canOffer(nodeId: string): boolean {
    return this.next(nodeId) !== null;
  }

  get allLaunched(): boolean {
    return this.unlaunched.size === 0;
  }

  get unlaunchedCount(): number {
    return this.unlaunched.size;
  }

  /** Nodes that still hold reservations for this job. */
  leftoverReservations(): string[] {
    return [...this.held.keys()];
  }

  /** Reservations held per node. */
  heldReservations(): ReadonlyMap<string, number> {
    return this.held;
  }
}

/** Late binding for every job a frontend owns. Unknown jobs (finished, cancelled) answer "no task". */
export class LateBindingBook {
  private readonly jobs = new Map<string, LateBinding>();

  add(jobId: string, binding: LateBinding): void {
    this.jobs.set(jobId, binding);
  }

  get(jobId: string): LateBinding | undefined {
    return this.jobs.get(jobId);
  }

  remove(jobId: string): void {
    this.jobs.delete(jobId);
  }

  getTask(jobId: string, nodeId: string): GetTaskAnswer {
    return this.jobs.get(jobId)?.getTask(nodeId) ?? { taskId: null, cancel: [] };
  }

  get size(): number {
    return this.jobs.size;
  }
}
