import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpuOf, type Measured } from './processes.ts';

/** What the load client prints (the fields the bench reads). */
export interface LoadResult {
  cycles_per_s: number;
  cycles: number;
  p50_ms: number;
  p99_ms: number;
  worker_errors: number;
  connected: number;
  add_units_per_s: number;
  client_cpu_us_per_cycle: number;
  per_worker_min: number;
  per_worker_median: number;
  per_worker_max: number;
  first_error?: string;
  error?: string;
}

export interface LoadRun {
  units: number;
  workers: number;
  seconds: number;
  spec: string;
  port: number;
}

const SAMPLE_MS = 100;

interface MachineTicks {
  idle: number;
  total: number;
}

/**
 * The machine's CPU ticks, idle and all, from /proc/stat: whether cores were left over in a window
 * says whether a layout that spreads work could have used them.
 */
function machineTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are time no process ran.
  return { idle: ticks[3] + ticks[4], total: ticks.slice(0, 8).reduce((a, b) => a + b, 0) };
}

/**
 * Runs the load client once and splits the server's CPU over the cycles of its window. The client
 * adds its units before the window opens, and that add is not a cycle: CPU is sampled every
 * SAMPLE_MS and read at the window's edges, which the add rate the client reports places.
 */
export async function runLoad(coordload: string, run: LoadRun, measured: Measured) {
  const samples: Array<{ at: number; cpu: Record<string, number>; machine: MachineTicks }> = [];
  // Found once: walking /proc every sample would take the machine's CPU from what is measured.
  const groups = measured.groups();
  const started = performance.now();
  const sample = () =>
    samples.push({ at: performance.now() - started, cpu: cpuOf(groups), machine: machineTicks() });
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  const args = ['-units', run.units, '-workers', run.workers, '-seconds', run.seconds, '-spec', run.spec];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(coordload, [...args.map(String), `127.0.0.1:${run.port}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.once('error', reject);
    child.once('exit', () => resolve(text));
  });
  clearInterval(timer);
  const line = out.trim().split('\n').pop() ?? '{}';
  const result = JSON.parse(line) as LoadResult;
  if (result.first_error) result.first_error = readableBytes(result.first_error);
  if (result.error)
    return { result, cpu_us_per_cycle: {} as Record<string, number>, machine_idle_pct: undefined };
  const addMs = (run.units / Math.max(1, result.add_units_per_s)) * 1000;
  const nearest = (ms: number) =>
    samples.reduce((best, s) => (Math.abs(s.at - ms) < Math.abs(best.at - ms) ? s : best), samples[0]);
  const from = nearest(addMs);
  const to = nearest(addMs + run.seconds * 1000);
  const cpu_us_per_cycle: Record<string, number> = {};
  for (const name of Object.keys(to.cpu)) {
    const seconds = to.cpu[name] - (from.cpu[name] ?? 0);
    cpu_us_per_cycle[name] = Math.round((seconds * 1e6) / Math.max(1, result.cycles));
  }
  cpu_us_per_cycle.client = result.client_cpu_us_per_cycle;
  const total = to.machine.total - from.machine.total;
  const machine_idle_pct = Math.round((100 * (to.machine.idle - from.machine.idle)) / Math.max(1, total));
  return { result, cpu_us_per_cycle, machine_idle_pct };
}

/**
 * The load client prints a server's error message as Go prints bytes (`[110 111 116 …]`, cut at
 * 120 characters): shown as the text it is.
 */
function readableBytes(text: string): string {
  return text.replace(/\[(\d{1,3}(?: \d{1,3})+)\]?/g, (_all, codes: string) =>
    JSON.stringify(Buffer.from(codes.split(' ').map(Number)).toString('utf8')),
  );
}
