import type { Name } from './keys.ts';
import { WorkSpecStatus } from './status.ts';

/**
 * What the domain needs to know of a work spec, extracted from the spec dict by the edge. Field
 * names follow Coordinate's keys. `interval` is in seconds like Coordinate's.
 */
export interface WorkSpecMeta {
  /** Absolute: only the specs of the highest priority get work. */
  priority: number;
  /** Relative share of pending work among specs of equal priority; ≤ 0 never gets work. */
  weight: number;
  /** Most units PENDING at once; null = unlimited (as the original, 0 lets none run). */
  max_running: number | null;
  /** Most units one get_work may take from this spec; 0 = unlimited. */
  max_getwork: number;
  /** A unit tried more than this many times fails; 0 = unlimited. */
  max_retries: number;
  continuous: boolean;
  /** Seconds between continuous units; null when the spec gives none. */
  interval: number | null;
  then: Name | null;
  /** Whether the `then` spec's work comes first while it has any (the original's default: yes). */
  then_preempts: boolean;
  status: WorkSpecStatus;
  min_gb: number;
  /**
   * The spec names a runner: frontends pump its units onto node monitors. A get_work that does not
   * name the spec passes it over, so a pull worker never takes work meant for a runner.
   */
  runner: boolean;
  /**
   * Retention (Coordinate's archive as a standing policy): FINISHED and FAILED units leave memory
   * once they ended this many seconds ago; null keeps them. Their history stays in the log.
   */
  retention_max_age: number | null;
  /** Retention by count: at most this many ended units are kept, the oldest leave first; null = all. */
  retention_max_count: number | null;
}

export const defaultWorkSpecMeta: Readonly<WorkSpecMeta> = {
  priority: 0,
  weight: 20,
  max_running: null,
  max_getwork: 0,
  max_retries: 0,
  continuous: false,
  interval: null,
  // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
  then: null,
  then_preempts: true,
  status: WorkSpecStatus.RUNNABLE,
  min_gb: 0,
  runner: false,
  retention_max_age: null,
  retention_max_count: null,
};

/** The subset control_work_spec may change. */
export type WorkSpecControls = Partial<
  Pick<WorkSpecMeta, 'status' | 'continuous' | 'weight' | 'interval' | 'max_running'>
>;
