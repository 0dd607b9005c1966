import { PasserineError } from '@passerine/core';
import type { CommitObserver } from '@passerine/eventlog';
import { inSpan, type PasserineMetrics, tracingActive } from '@passerine/metrics';
import * as wq from '@passerine/workqueue';

/** Label values of the status numbers (index = status). */
const statusNames: string[] = [];
for (const [name, status] of Object.entries(wq.WorkUnitStatus)) statusNames[status] = name.toLowerCase();

/** Spec names as labels: text as it is, byte names as Python shows them (they may not be UTF-8). */
function specLabel(name: wq.Name): string {
  return typeof name === 'string' ? name : wq.describeName(name);
}

/**
 * A partition's figures: its queue depth (read from the state at scrape time while it leads), its
 * leadership changes, each answered operation, and its group commits.
 */
export class PartitionMetrics {
  private removeDepth?: () => void;
  readonly commits: CommitObserver;

  constructor(
    private readonly metrics: PasserineMetrics,
    private readonly namespace: string,
  ) {
    this.commits = {
      committed: (seconds, events) => {
        metrics.appendSeconds.observe(seconds);
        metrics.commitEvents.observe(events);
      },
    };
  }

  /** From taking the lead until giving it up, the partition's units are this replica's to report. */
  leading(state: () => wq.NamespaceState): void {
    this.metrics.leaderChanges.inc({ namespace: this.namespace, change: 'elected' });
    this.removeDepth?.();
    this.removeDepth = this.metrics.queueDepth.addSource((set) => {
      for (const spec of state().specs.values()) {
        const label = specLabel(spec.name);
        for (let status = 1; status < spec.counts.length; status++) {
          set(
            { namespace: this.namespace, spec: label, status: statusNames[status] ?? String(status) },
            spec.counts[status] ?? 0,
          );
        }
      }
    });
  }

  notLeading(reason: 'stepped_down' | 'stopped'): void {
    if (!this.removeDepth) return;
    this.removeDepth();
    this.removeDepth = undefined;
    this.metrics.leaderChanges.inc({ namespace: this.namespace, change: reason });
  }

  /** Times and counts one operation, in a span of its own (joining the caller's trace). */
  async operation<T>(op: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      // Spans only inside a traced call: the hot path pays no closure when tracing is off.
      if (!tracingActive()) return await run();
      return await inSpan(
        `store ${op}`,
        { 'passerine.namespace': this.namespace, 'passerine.operation': op },
        run,
      );
    } catch (err) {
      outcome = err instanceof PasserineError ? err.code : 'internal';
      throw err;
    } finally {
      this.metrics.storeRequests.of(this.namespace, op).record(outcome, (performance.now() - started) / 1000);
    }
  }
}

/** The append of a commit, as a span of the operation that decided it (only when traced). */
export function tracedAppend<T>(events: number, append: () => Promise<T>): Promise<T> {
  if (!tracingActive()) return append();
  return inSpan('eventlog append', { 'passerine.events': events }, append);
}
