import { findSpec } from '../lookup.ts';
import type { NamespaceState, WorkSpecState } from '../state.ts';
import { WorkUnitStatus } from '../status.ts';

/**
 * Which spec a get_work serves, among those that could give work:
 * 1. the highest spec `priority` (goordinated's rule; the original has none);
 * 2. among those, the specs whose best queued unit has the highest priority (the original's rule:
 *    prioritising a unit makes it the next one any worker gets, whatever its spec);
 * 3. along a `then` chain, the spec furthest down that has work (the original's: finishing what
 *    is under way comes before starting more), unless the spec upstream says then_preempts: false;
 * 4. among what is left, pending counts track the weights (goordinated's rule).
 */
export function chooseSpec(state: NamespaceState, eligible: WorkSpecState[], random: () => number) {
  if (eligible.length === 1) return eligible[0];
  const top = highest(eligible, (s) => s.meta.priority);
  const byUnit = highest(top, headPriority);
  return chooseByWeight(downstreamFirst(state, byUnit), random);
}

function highest(specs: WorkSpecState[], score: (s: WorkSpecState) => number): WorkSpecState[] {
  let best = Number.NEGATIVE_INFINITY;
  for (const s of specs) best = Math.max(best, score(s));
  return specs.filter((s) => score(s) === best);
}

/** The priority of the unit a spec would give first; 0 when it would make one (continuous). */
function headPriority(spec: WorkSpecState): number {
  return spec.available.peek()?.priority ?? 0;
}

/** The specs a spec's `then` chain leads to, in order, each once. */
function downstreamOf(state: NamespaceState, spec: WorkSpecState): WorkSpecState[] {
  const out: WorkSpecState[] = [];
  const seen = new Set<WorkSpecState>([spec]);
  for (let next = nextOf(state, spec); next && !seen.has(next); next = nextOf(state, next)) {
    seen.add(next);
    out.push(next);
  }
  return out;
}

function nextOf(state: NamespaceState, spec: WorkSpecState): WorkSpecState | undefined {
  return spec.meta.then === null ? undefined : findSpec(state, spec.meta.then);
}

/** Drops each spec whose chain leads to another candidate, unless the two are in one loop. */
function downstreamFirst(state: NamespaceState, specs: WorkSpecState[]): WorkSpecState[] {
  if (specs.length < 2 || !specs.some((s) => s.meta.then !== null)) return specs;
  const candidates = new Set(specs);
  const kept = specs.filter((spec) => {
    if (!spec.meta.then_preempts) return true;
    return !downstreamOf(state, spec).some(
      (next) => candidates.has(next) && !downstreamOf(state, next).includes(spec),
    );
  });
  return kept.length > 0 ? kept : specs;
}

/**
 * Among specs of equal priority, pending counts should track the weights: each spec's fair share
 * of (pending + 1) is compared with what it has, and the next unit goes to a spec below its share,
 * drawn in proportion to how far below. Random rather than argmax so that specs whose units finish
 * at once (pending stays 0) still share by weight over many calls.
 */
export function chooseByWeight(specs: WorkSpecState[], random: () => number): WorkSpecState {
  if (specs.length === 1) return specs[0];
  let pending = 0;
  let weights = 0;
  for (const s of specs) {
    pending += s.counts[WorkUnitStatus.PENDING];
    weights += s.meta.weight;
  }
  const deficits = specs.map((s) =>
    Math.max(0, ((pending + 1) * s.meta.weight) / weights - s.counts[WorkUnitStatus.PENDING]),
  );
  const total = deficits.reduce((a, b) => a + b, 0);
  let pick = random() * total;
  for (let i = 0; i < specs.length; i++) {
    pick -= deficits[i];
    if (pick < 0 && deficits[i] > 0) return specs[i];
  }
  return specs[deficits.findLastIndex((d) => d > 0)];
}
