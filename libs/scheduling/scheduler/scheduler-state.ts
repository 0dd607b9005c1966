import type { JobContext } from '../job-commands.ts';
import type { NodeView } from '../node-view.ts';
import type { Random } from '../random.ts';
import { NodeLoads } from './node-loads.ts';
import type { OwnedJob } from './owned-job.ts';
import type { PlacementMode } from './placement.ts';
import { UnlaunchedJobs } from './unlaunched-jobs.ts';

/** What one frontend's scheduler knows: the jobs it owns and how busy it believes each node is. */
export interface SchedulerState {
  /** The jobs this frontend schedules, by id: active ones only. */
  readonly jobs: Map<string, OwnedJob>;
  /** Those that may have tasks to launch: what lending, older-first and idle pulls walk. */
  readonly unlaunched: UnlaunchedJobs<OwnedJob>;
  readonly loads: NodeLoads;
  /** Jobs with tasks that fit no node's free resources yet (see seekRoom). */
  readonly waitingForRoom: Set<OwnedJob>;
}

export function initialSchedulerState(): SchedulerState {
  return {
    jobs: new Map(),
    unlaunched: new UnlaunchedJobs(),
    loads: new NodeLoads(),
    waitingForRoom: new Set(),
  };
}

/** The node monitors a frontend sees in the node bucket (its membership view). */
export interface NodeDirectory {
  /** Nodes with a fresh heartbeat. The array may be shared: do not modify it. */
  live(): readonly NodeView[];
  get(nodeId: string): NodeView | undefined;
  has(nodeId: string): boolean;
}

/**
 * What the scheduler's decisions depend on besides the command and the state: who decides, its
 * settings, the nodes it sees, and time, ids and randomness.
 */
export interface SchedulerContext extends JobContext {
  readonly placement: PlacementMode;
  /**
   * How long a job waits with tasks unlaunched before the slots of other jobs' reservations may
   * serve it: lent when theirs have nothing left, yielded to it as the older job, pulled when idle (ms).
   */
  readonly lendAfterMs: number;
  /** Jobs one frontend schedules at once; more are refused with `unavailable`. */
  readonly maxActiveJobs: number;
  readonly nodes: NodeDirectory;
  /** ms since the epoch, on this frontend's clock. */
  now(): number;
  nextId(): string;
  readonly random: Random;
}
