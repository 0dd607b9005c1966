import type { EventEnvelope } from '@passerine/core';
import { evolve as evolveJob, initialJobState, type JobEvent, type JobState } from '@passerine/scheduling';
import { decodeToken } from '@passerine/subjects';
import * as wq from '@passerine/workqueue';
import { showName } from '../workqueue/names.ts';

/** A store leader's own marker in a namespace's log: no work-queue state. */
const LEADER_ELECTED = 'StoreLeaderElected';
/** Jobs listed one by one; beyond, counts by state only. */
export const MAX_JOBS_LISTED = 100;

const statusWords = ['', 'available', 'blocked', 'pending', 'finished', 'failed'];

/**
 * The state as it was at a point of the log, rebuilt by the same evolvers the services run: every
 * namespace's work queue and every job. Events this version does not read are counted, not fatal.
 */
export class StateAtPoint {
  private readonly namespaces = new Map<string, wq.NamespaceState>();
  private readonly jobs = new Map<string, JobState>();
  private lastSeq = 0;
  private lastTime = 0;
  private unread = 0;

  constructor(private readonly prefix: string) {}

  apply(seq: number, subject: string, time: number, events: readonly EventEnvelope[]): void {
    this.lastSeq = seq;
    this.lastTime = time;
    // <prefix>.ev.wq.<namespace>.… and <prefix>.ev.job.<id>
    if (!subject.startsWith(`${this.prefix}.ev.`)) return;
    const tokens = subject.split('.');
    if (tokens[2] === 'wq') {
      const namespace = String(decodeToken(tokens[3]));
      const state = this.namespaces.get(namespace) ?? wq.createNamespaceState();
      this.namespaces.set(namespace, state);
      for (const event of events) {
        if (event.type === LEADER_ELECTED) continue;
        try {
          wq.evolve(state, event);
        } catch {
          this.unread++;
        }
      }
    } else if (tokens[2] === 'job') {
      const id = String(decodeToken(tokens[3]));
      const state = this.jobs.get(id) ?? initialJobState();
      this.jobs.set(id, state);
      for (const event of events) {
        try {
          evolveJob(state, { type: event.type, data: event.data } as JobEvent);
        } catch {
          this.unread++;
        }
      }
    }
  }

  /** The summary for people: counts by spec and status, then jobs and their state. */
  lines(): string[] {
    const out = [
      `state as of #${this.lastSeq}${this.lastTime ? ` (${new Date(this.lastTime).toISOString()})` : ''}`,
    ];
    if (this.namespaces.size === 0) out.push('no work-queue namespace');
    for (const [namespace, state] of this.namespaces) {
      out.push(`namespace ${namespace}: ${state.specs.size} work spec(s), ${state.workers.size} worker(s)`);
      for (const spec of state.specs.values()) {
        const counts = [1, 3, 4, 5].map((s) => `${statusWords[s]} ${spec.counts[s] ?? 0}`).join(', ');
        out.push(
          `  ${showName(spec.name)}${spec.meta.status === wq.WorkSpecStatus.PAUSED ? ' (paused)' : ''}: ${counts}`,
        );
      }
    }
    const byStatus = new Map<string, number>();
    for (const job of this.jobs.values()) byStatus.set(job.status, (byStatus.get(job.status) ?? 0) + 1);
    out.push(
      `jobs: ${this.jobs.size}${this.jobs.size ? ` (${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')})` : ''}`,
    );
    let listed = 0;
    for (const [id, job] of this.jobs) {
      if (listed++ === MAX_JOBS_LISTED) {
        out.push(`  … and ${this.jobs.size - MAX_JOBS_LISTED} more`);
        break;
      }
      out.push(
        `  ${id} ${job.status}: ${job.tasks.size} task(s), ${job.finished} finished, ${job.failed} failed, ${job.open} open`,
      );
    }
    if (this.unread) out.push(`${this.unread} event(s) not read by this version were skipped`);
    return out;
  }

  /** The same as one JSON object. */
  json(): unknown {
    return {
      seq: this.lastSeq,
      time: this.lastTime || null,
      namespaces: Object.fromEntries(
        [...this.namespaces].map(([ns, state]) => [
          ns,
          [...state.specs.values()].map((spec) => ({
            spec: showName(spec.name),
            paused: spec.meta.status === wq.WorkSpecStatus.PAUSED,
            counts: Object.fromEntries([1, 2, 3, 4, 5].map((s) => [statusWords[s], spec.counts[s] ?? 0])),
          })),
        ]),
      ),
      jobs: [...this.jobs].slice(0, MAX_JOBS_LISTED).map(([id, job]) => ({
        id,
        status: job.status,
        tasks: job.tasks.size,
        finished: job.finished,
        failed: job.failed,
      })),
      jobCount: this.jobs.size,
      unread: this.unread,
    };
  }
}
