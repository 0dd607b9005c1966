import { dueTicks, partitionRunId, requestRun, type RunRequest, tickRunId } from '@passerine/batch';
import type { Logger } from '@passerine/core';
import type { BatchView } from './batch-view.ts';

/**
 * What is due: the cron ticks since each job's cursor, and the partitions whose every input data
 * set has been announced. Each replica keeps its own cursors; the admission fence settles who
 * records a tick, so cursors only decide what a replica asks about.
 */
export class DueRuns {
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly view: BatchView,
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {}

  /** The ticks due by `now`; `advance` moves the cursors once they have been decided. */
  ticks(now: number): { requests: RunRequest[]; advance: () => void } {
    const requests: RunRequest[] = [];
    const moves: [string, number][] = [];
    for (const [name, job] of this.view.registry.jobs) {
      const schedule = job.definition.schedule;
      if (!schedule) continue;
      const cursor = this.cursors.get(name) ?? this.resumeFrom(name, now);
      const { due, skipped } = dueTicks(schedule, cursor, now, this.graceMs);
      if (skipped > 0)
        this.logger.info({ job: name, skipped, policy: schedule.missed }, 'missed ticks passed over');
      for (const tick of due) {
        if (!this.view.runs.decided.has(tickRunId(name, tick)))
          requests.push(requestRun(job, { kind: 'schedule', tick }));
      }
      moves.push([name, now]);
    }
    for (const name of this.cursors.keys()) if (!this.view.registry.jobs.has(name)) this.cursors.delete(name);
    const advance = () => {
      for (const [name, at] of moves) this.cursors.set(name, at);
    };
    return { requests, advance };
  }

  /** Partitions all of whose input data sets are announced and whose run is not decided yet. */
  partitions(): RunRequest[] {
    const requests: RunRequest[] = [];
    for (const job of this.view.registry.jobs.values()) {
      const [first, ...rest] = job.definition.triggers;
      if (!first) continue;
      for (const partition of this.view.runs.partitions.get(first) ?? []) {
        if (!rest.every((d) => this.view.runs.partitions.get(d)?.has(partition))) continue;
        if (this.view.runs.decided.has(partitionRunId(job.definition.name, partition))) continue;
        requests.push(requestRun(job, { kind: 'trigger', partition }));
      }
    }
    return requests;
  }

  /** Where a job's schedule resumes: after its newest decided tick, or its registration. */
  private resumeFrom(name: string, now: number): number {
    const last = this.view.runs.lastTick.get(name);
    if (last !== undefined) return last;
    return Math.min(this.view.registeredAt.get(name) ?? now, now);
  }
}
