import { readFileSync } from 'node:fs';

/** Helpers shared by the benchmarks. */
export function print(result: Record<string, unknown>): void {
  console.log(JSON.stringify(result));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024, 1);
}

export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined ? fallback : Number(v);
}

/** Progress on stderr, so stdout stays one JSON object per result. */
export function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}   `);
  else process.stderr.write(`${text}\n`);
}
