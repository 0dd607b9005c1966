/**
 * When a supervised process may be started again. Pure: the supervisor passes the times of its
 * earlier restarts and the clock's now. A process that keeps dying is not restarted forever —
 * past `maxRestarts` within `windowMs` the supervisor gives up, and its owner exits saying why.
 */
export interface RestartPolicy {
  maxRestarts: number;
  windowMs: number;
}

export type RestartDecision =
  | { restart: true; recent: number[] }
  | { restart: false; recent: number[]; reason: string };

function minutes(ms: number): string {
  const m = ms / 60_000;
  return m >= 1 && Number.isInteger(m) ? `${m} minute${m === 1 ? '' : 's'}` : `${ms / 1000} s`;
}

export function decideRestart(
  previous: readonly number[],
  now: number,
  policy: RestartPolicy,
): RestartDecision {
  const recent = previous.filter((t) => now - t < policy.windowMs);
  if (policy.maxRestarts === 0) return { restart: false, recent, reason: 'restarts are off' };
  if (recent.length >= policy.maxRestarts) {
    const times = policy.maxRestarts === 1 ? 'once' : `${policy.maxRestarts} times`;
    return {
      restart: false,
      recent,
      reason: `restarted ${times} within ${minutes(policy.windowMs)} already`,
    };
  }
  return { restart: true, recent: [...recent, now] };
}
