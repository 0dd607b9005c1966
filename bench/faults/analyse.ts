/**
 * What ran, as recorded outside Passerine, against what Passerine acknowledged: pure functions
 * over the records, so the bench's verdicts can be tested apart from a run.
 */
export interface Run {
  key: string;
  start: number;
  /** Missing when the run was cut short (its process killed) before it could record an end. */
  end?: number;
  source: string;
}

export interface Verdict {
  lost: string[];
  concurrentDuplicates: string[];
  finishedMoreThanOnce: string[];
}

/** Keys that were acknowledged but never ran to their end, per the records and Passerine. */
export function lostKeys(acknowledged: Iterable<string>, finished: ReadonlySet<string>): string[] {
  return [...acknowledged].filter((k) => !finished.has(k));
}

/** Keys with two runs overlapping in time (a run without an end counts until its next sibling's end). */
export function overlappingKeys(runs: readonly Run[]): string[] {
  const byKey = new Map<string, Run[]>();
  for (const r of runs) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const keys: string[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1];
      if (before.end !== undefined && before.end > sorted[i].start) {
        keys.push(key);
        break;
      }
    }
  }
  return keys;
}

/** Ops per second from acknowledgement times, one bucket per second from `from`. */
export function perSecond(times: readonly number[], from: number, to: number): number[] {
  const buckets = new Array(Math.max(0, Math.ceil((to - from) / 1000))).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / 1000);
    if (i >= 0 && i < buckets.length) buckets[i]++;
  }
  return buckets;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};

/**
 * Seconds from each fault until acknowledged ops per second are back to at least 80% of the
 * median of the 10 s before it; null when they never came back within the run.
 */
export function recoveryTimes(rates: readonly number[], faultSeconds: readonly number[]): (number | null)[] {
  return faultSeconds.map((f) => {
    const before = rates.slice(Math.max(0, f - 10), f);
    const target = 0.8 * median(before);
    for (let s = f; s < rates.length; s++) if (rates[s] >= target) return s - f;
    return null;
  });
}
