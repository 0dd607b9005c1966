/** Bench parameters: argv `--name=value` or env BENCH_NAME. */
function param(name: string, fallback: number, zeroAllowed = false): number {
  const flag = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const text = flag ? flag.slice(name.length + 3) : process.env[`BENCH_${name.toUpperCase()}`];
  const value = text === undefined ? fallback : Number(text);
  const least = zeroAllowed ? 0 : Number.MIN_VALUE;
  if (!Number.isFinite(value) || value < least)
    throw new Error(`${name} must be a number ${zeroAllowed ? '>= 0' : '> 0'} (got ${text})`);
  return value;
}

export const p = {
  nodes: param('nodes', 50),
  slots: param('slots', 4),
  load: param('load', 0.8),
  taskMs: param('task_ms', 100),
  tasksPerJob: param('tasks_per_job', 10),
  probeRatio: param('probe_ratio', 2),
  frontends: param('frontends', 1),
  jobs: param('jobs', 3000),
  /** Jobs run first at the same rate and not counted (0 for none). */
  warmupJobs: param('warmup_jobs', 300, true),
  /** Seeds the arrival trace that every load mode replays. */
  seed: param('seed', 1),
  noopTasks: param('noop_tasks', 60_000),
  noopTasksPerJob: param('noop_tasks_per_job', 100),
  nodeProcesses: param('node_processes', 1),
  /** A run in which no job ends for this long is reported as stalled and aborted (ms). */
  stallMs: param('stall_ms', 30_000),
};

export function arg(name: string): string {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** p50/p95/p99 of a sample, in ms. */
export function summary(values: number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5), 2),
    p95: round(percentile(sorted, 0.95), 2),
    p99: round(percentile(sorted, 0.99), 2),
  };
}
