/**
 * A key's budget as it is kept (one entry per key): the holds on it now, each with the time it
 * lapses unless renewed, and the starts of the last second. Pure: the time comes in.
 */
export interface KeyBudgetState {
  holds: Record<string, number>;
  starts: number[];
}

/** What one holder asks for: the limit it runs under (libs/scheduling's KeyLimit). */
export interface BudgetLimit {
  running?: number;
  perSecond?: number;
}

export type TakeDecision =
  | { granted: true; state: KeyBudgetState }
  | { granted: false; reason: 'running' | 'rate'; state: KeyBudgetState };

/** The window `perSecond` counts starts in. */
export const RATE_WINDOW_MS = 1_000;

export const emptyBudget = (): KeyBudgetState => ({ holds: {}, starts: [] });

/** The state without lapsed holds and starts older than the rate window. */
export function pruned(state: KeyBudgetState, now: number): KeyBudgetState {
  const holds: Record<string, number> = {};
  for (const [id, until] of Object.entries(state.holds)) if (until > now) holds[id] = until;
  return { holds, starts: state.starts.filter((at) => at > now - RATE_WINDOW_MS) };
}

/**
 * Whether one more task may start under the limit: fewer than `running` holds that have not lapsed,
 * and fewer than `perSecond` starts in the last second. A grant adds the hold and the start.
 */
export function decideTake(
  state: KeyBudgetState,
  take: { holdId: string; limit: BudgetLimit; now: number; leaseMs: number },
): TakeDecision {
  const live = pruned(state, take.now);
  const { running, perSecond } = take.limit;
  if (running !== undefined && Object.keys(live.holds).length >= running)
    return { granted: false, reason: 'running', state: live };
  if (perSecond !== undefined && live.starts.length >= perSecond)
    return { granted: false, reason: 'rate', state: live };
  return {
    granted: true,
    state: {
      holds: { ...live.holds, [take.holdId]: take.now + take.leaseMs },
      starts: perSecond === undefined ? live.starts : [...live.starts, take.now],
    },
  };
}

/** The holds named pushed out to `now + leaseMs`; holds already lapsed are not brought back. */
export function decideRenew(state: KeyBudgetState, holdIds: readonly string[], now: number, leaseMs: number) {
  const live = pruned(state, now);
  for (const id of holdIds) if (id in live.holds) live.holds[id] = now + leaseMs;
  return live;
}

export function decideRelease(state: KeyBudgetState, holdIds: readonly string[], now: number) {
  const live = pruned(state, now);
  for (const id of holdIds) delete live.holds[id];
  return live;
}
