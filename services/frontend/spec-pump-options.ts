export interface SpecPumpOptions {
  /** The Coordinate namespace whose executable specs this pump serves. */
  namespace: string;
  /** Lease asked for each unit; renewed at a third of it while the unit's task runs (s). */
  leaseSeconds: number;
  /** How often the list of executable specs is read again (ms). */
  specRefreshMs: number;
  /** Longest wait between two get_work calls while there is nothing to do (ms). */
  maxIdleMs: number;
  /** Most units taken by one get_work; they become the tasks of one job. */
  maxBatch: number;
  /** How often running units are looked at for ends no node monitor reports, e.g. a lost node (ms). */
  checkMs: number;
}

export const DEFAULT_PUMP_OPTIONS: Omit<SpecPumpOptions, 'namespace'> = {
  leaseSeconds: 60,
  specRefreshMs: 2_000,
  maxIdleMs: 1_000,
  maxBatch: 100,
  checkMs: 1_000,
};
