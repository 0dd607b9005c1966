import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ArtifactStore } from '@passerine/artifacts';
import {
  type ArtifactPin,
  decideAttemptEnd,
  type RunState,
  runOfSchedulerJob,
  schedulerJobId,
} from '@passerine/batch';
import { type Clock, decode, type Logger, type PasserineError } from '@passerine/core';
import { isTerminal, type JobInput, type JobResult } from '@passerine/scheduling';
import { encodePayload, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import type { Admitter } from './admitter.ts';
import type { BatchView } from './batch-view.ts';

/** Running runs whose end is asked of the frontends per sweep, when no notice of it came. */
const RECONCILED_PER_SWEEP = 20;

export interface RunAttemptsDeps {
  nc: NatsConnection;
  names: Names;
  view: BatchView;
  admitter: Admitter;
  clock: Clock;
  logger: Logger;
  sweepMs: number;
}

/** Why an attempt's scheduler job ended badly, in one line. */
function failureOf(result: JobResult): string | undefined {
  if (result.status === 'cancelled') return `cancelled${result.reason ? `: ${result.reason}` : ''}`;
  if (result.failed === 0) return undefined;
  const task = result.tasks.find((t) => t.status === 'failed');
  return task?.error ?? (task?.exitCode != null ? `exited with code ${task.exitCode}` : 'failed');
}

/**
 * Hands runs to the scheduler, one scheduler job per attempt, and records how each attempt ended.
 * A scheduler job's id is its run's and attempt's, and a frontend refuses a second job of an id, so
 * any dispatcher may hand over a run that its deciding dispatcher left (it died in between) and
 * the attempt still runs once.
 */
export class RunAttempts {
  private readonly inFlight = new Set<string>();
  private readonly lastAsked = new Map<string, number>();
  private sub?: Subscription;
  private store?: Promise<ArtifactStore>;

  constructor(private readonly deps: RunAttemptsDeps) {}

  start(): void {
    const { nc, names } = this.deps;
    // One dispatcher of the queue group hears each end; the sweep asks for those nobody heard.
    this.sub = nc.subscribe(names.allJobWatch, {
      queue: names.queueGroup('dispatcher'),
      callback: (_err, msg) => {
        try {
          void this.ended(decode<JobResult>(msg.data));
        } catch (err) {
          this.deps.logger.warn({ err }, 'unreadable job notice ignored');
        }
      },
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
  }

  /** Hands an attempt to the scheduler (at most once at a time per run from this replica). */
  async submit(run: RunState, attempt = run.attempt): Promise<void> {
    const key = `${run.runId}#${attempt}`;
    if (this.inFlight.has(key) || !run.task) return;
    this.inFlight.add(key);
    try {
      const task = { ...run.task, artifact: await this.pin(run.task.artifact) };
      const job: JobInput = {
        id: schedulerJobId(run.runId, attempt),
        user: `batch:${run.job}`,
        labels: run.labels,
        tasks: [
          { id: 'run', payload: encodePayload({ kind: 'batch', task, attempt }), resources: run.resources },
        ],
      };
      try {
        await submitJob(this.deps.nc, this.deps.names, job);
      } catch (err) {
        const code = (err as PasserineError).code;
        const known = code === 'illegal_state' && /already exists/.test((err as Error).message);
        if (code === 'validation') {
          const error = `refused by the scheduler: ${(err as Error).message}`;
          await this.deps.admitter.record(
            run.job,
            decideAttemptEnd(
              { type: 'EndAttempt', attempt, succeeded: false, error },
              run,
              this.deps.clock.now(),
            ),
          );
          return;
        }
        // Anything else (no frontend, no node yet): the sweep hands it over again later.
        if (!known) throw err;
      }
      this.lastAsked.set(run.runId, this.deps.clock.now());
      await this.deps.admitter.record(run.job, [
        {
          type: 'RunAttemptSubmitted',
          data: {
            runId: run.runId,
            job: run.job,
            attempt,
            schedulerJobId: job.id,
            ...(task.artifact?.resolved && {
              artifact: { version: task.artifact.resolved.version, digest: task.artifact.resolved.digest },
            }),
          },
        },
      ]);
    } catch (err) {
      this.deps.logger.warn({ err, runId: run.runId, attempt }, 'run not handed to the scheduler yet');
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * Runs left waiting: dispatched but not handed over for a while (their dispatcher died), retries
   * whose back-off is over, and running runs whose end no notice brought.
   */
  async sweep(): Promise<void> {
    const now = this.deps.clock.now();
    const { runs } = this.deps.view.runs;
    let asked = 0;
    for (const ids of this.deps.view.runs.activeByJob.values()) {
      for (const runId of ids) {
        const run = runs.get(runId);
        if (!run) continue;
        if (run.status === 'dispatched' && now - run.decidedAt >= this.deps.sweepMs) void this.submit(run);
        else if (run.status === 'retrying' && (run.retryAt ?? 0) <= now) void this.submit(run);
        else if (run.status === 'running' && asked < RECONCILED_PER_SWEEP) {
          const since = this.lastAsked.get(runId) ?? run.decidedAt;
          if (now - since < 6 * this.deps.sweepMs) continue;
          asked++;
          this.lastAsked.set(runId, now);
          void this.reconcile(run);
        }
      }
    }
  }

  private async reconcile(run: RunState): Promise<void> {
    try {
      const result = await jobStatus(this.deps.nc, this.deps.names, schedulerJobId(run.runId, run.attempt));
      if (isTerminal(result.status)) await this.ended(result);
    } catch (err) {
      if ((err as PasserineError).code === 'not_found') void this.submit(run);
      else this.deps.logger.debug({ err, runId: run.runId }, 'run status not known yet');
    }
  }

  private async ended(result: JobResult): Promise<void> {
    const which = runOfSchedulerJob(result.jobId);
    if (!which || !isTerminal(result.status)) return;
    // The notice may come before this replica has read the run's own events.
    let run = this.deps.view.runs.runs.get(which.runId);
    for (let i = 0; i < 20 && (!run || run.submitted < which.attempt) && run?.status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = this.deps.view.runs.runs.get(which.runId);
    }
    if (!run) return;
    this.lastAsked.delete(run.runId);
    const error = failureOf(result);
    const command = {
      type: 'EndAttempt' as const,
      attempt: which.attempt,
      succeeded: error === undefined,
      error,
    };
    try {
      await this.deps.admitter.record(run.job, decideAttemptEnd(command, run, this.deps.clock.now()));
    } catch (err) {
      this.deps.logger.warn({ err, runId: run.runId }, 'run outcome not recorded; the sweep asks again');
    }
  }

  /** Pins `name[:version]` to a digest when the store answers; the node resolves it otherwise. */
  private async pin(artifact: ArtifactPin | undefined): Promise<ArtifactPin | undefined> {
    if (!artifact || artifact.resolved) return artifact;
    try {
      this.store ??= ArtifactStore.open(this.deps.nc, this.deps.names);
      const found = await (await this.store).resolve(artifact.name, artifact.version);
      return found
        ? { ...artifact, resolved: { version: found.version, digest: found.digest, file: found.file } }
        : artifact;
    } catch (err) {
      this.store = undefined;
      this.deps.logger.warn(
        { err, artifact: artifact.ref },
        'artifact store not reached; the node resolves it',
      );
      return artifact;
    }
  }
}
