import type { MessageCounter } from '@passerine/scheduling-protocol';
import type { Random } from '@passerine/scheduling';
import type { PlacementMode } from '@passerine/scheduling';
import { DEFAULT_PUMP_OPTIONS, type SpecPumpOptions } from './spec-pump-options.ts';

export interface FrontendOptions {
  /** Defaults to a fresh id. */
  id?: string;
  /** `batch` (Sparrow: batch sampling + late binding) unless a baseline is being measured. */
  placement?: PlacementMode;
  /** How often this frontend renews its advert (ms). */
  heartbeatMs?: number;
  /** A node monitor or frontend whose advert is older than this is taken for dead (ms). */
  staleAfterMs?: number;
  /** Jobs with tasks still waiting and no progress for this long are placed again (ms). */
  replaceAfterMs?: number;
  /** Jobs one frontend schedules at once; more are refused with `unavailable`. */
  maxActiveJobs?: number;
  /**
   * A job this old with tasks still waiting may take the slot of a reservation whose own job has
   * nothing left to launch, or of a younger job's (older jobs first), and idle slots pull it (ms).
   * Younger jobs are left to their own reservations, which are usually still on their way and
   * would find free slots anyway. A few milliseconds did better in bench:sparrow's paired runs than
   * longer waits (bench/RESULTS.md).
   */
  lendAfterMs?: number;
  /**
   * How long a job submitted while no node monitor is live waits for one before it is refused (ms).
   * A job that some live node could run never waits.
   */
  nodeWaitMs?: number;
  /** How long a getTask of a job with a key limit waits for room in the key's budget (ms). */
  keyWaitMs?: number;
  /** How long a hold on a key budget lasts unless its node renews it (ms). */
  keyLeaseMs?: number;
  /**
   * Coordinate namespaces whose executable work specs (specs that name a runner) this frontend
   * pumps onto node monitors; `[]` pumps none. Default: the `default` namespace.
   */
  pumpNamespaces?: string[];
  /** Lease, refresh and batch settings of the pumps. */
  pump?: Partial<Omit<SpecPumpOptions, 'namespace'>>;
  /**
   * A sweep for orphaned jobs that read this many log sequences past the active-jobs checkpoint
   * writes a new one, so the next sweep starts there (see ActiveJobsCheckpoint).
   */
  checkpointEverySeqs?: number;
  random?: Random;
  counter?: MessageCounter;
}

export interface ResolvedFrontendOptions {
  placement: PlacementMode;
  heartbeatMs: number;
  staleAfterMs: number;
  replaceAfterMs: number;
  maxActiveJobs: number;
  lendAfterMs: number;
  nodeWaitMs: number;
  keyWaitMs: number;
  keyLeaseMs: number;
  pumpNamespaces: string[];
  pump: Omit<SpecPumpOptions, 'namespace'>;
  checkpointEverySeqs: number;
}

export function resolveFrontendOptions(options: FrontendOptions): ResolvedFrontendOptions {
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  const staleAfterMs = options.staleAfterMs ?? Math.max(3 * heartbeatMs, 3_000);
  return {
    placement: options.placement ?? 'batch',
    heartbeatMs,
    staleAfterMs,
    replaceAfterMs: options.replaceAfterMs ?? Math.max(2 * staleAfterMs, 5_000),
    maxActiveJobs: options.maxActiveJobs ?? 100_000,
    lendAfterMs: options.lendAfterMs ?? 2,
    nodeWaitMs: options.nodeWaitMs ?? 5_000,
    keyWaitMs: options.keyWaitMs ?? 1_000,
    keyLeaseMs: options.keyLeaseMs ?? 10_000,
    pumpNamespaces: options.pumpNamespaces ?? ['default'],
    pump: { ...DEFAULT_PUMP_OPTIONS, ...options.pump },
    checkpointEverySeqs: options.checkpointEverySeqs ?? 10_000,
  };
}
