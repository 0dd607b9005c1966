import type { KV } from '@nats-io/kv';
import { listRuns } from '@passerine/batch-protocol';
import type { WorkQueueClient } from '@passerine/client';
import { decode } from '@passerine/core';
import type { NatsConnection } from '@passerine/natsconn';
import type { JobResult } from '@passerine/scheduling';
import { listRunningJobs, openMembershipBucket } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import type { Name, SpecSummary } from '@passerine/workqueue-api';
import { lazyBucket, readNodes } from './scheduling-routes.ts';
import { specView } from './workqueue-routes.ts';
import { nameToJson } from './wire-json.ts';

/** Rows of each list a snapshot carries: the page shows the first ones and pages through the API. */
export const SNAPSHOT_ROWS = 100;
const FAILURES_SHOWN = 10;
const JOBS_REMEMBERED = 50;
const BATCH_RUNS_SHOWN = 20;
const RUNNING_JOBS_SHOWN = 20;

interface StatusView {
  status: number;
  traceback?: string | null;
  worker_id?: string | null;
}

/**
 * What the dashboard shows, built once per tick for every open page: the specs with their counts,
 * the node monitors, recent failures with tracebacks, the jobs running now and those that ended
 * lately, the newest batch runs, and the instance's throughput (units finished per second, from the
 * counts' change) and the store's round trip time, which the page charts over the last minutes.
 */
export function createSnapshotSource(nc: NatsConnection, names: Names, client: WorkQueueClient) {
  const jobs: JobResult[] = [];
  const watch = nc.subscribe(names.allJobWatch, {
    callback: (err, msg) => {
      if (err) return;
      try {
        const job = decode<JobResult>(msg.data);
        jobs.unshift({ ...job, tasks: job.tasks.slice(0, SNAPSHOT_ROWS) });
        jobs.length = Math.min(jobs.length, JOBS_REMEMBERED);
      } catch {
        // Not a job result: nothing to show.
      }
    },
  });
  let bucket: KV | undefined;
  const frontendBucket = lazyBucket(nc, names.frontendBucket);
  let previous: { at: number; finished: number } | undefined;

  async function failures(specs: SpecSummary[]) {
    const out: unknown[] = [];
    for (const spec of specs) {
      if (out.length >= FAILURES_SHOWN || !spec.counts[5]) continue;
      const page = await client.call<'getWorkUnits', Array<[Name, unknown]>>('getWorkUnits', {
        spec: spec.name,
        state: 5,
        limit: FAILURES_SHOWN - out.length,
      });
      if (page.length === 0) continue;
      const statuses = await client.call<'getWorkUnitStatus', Array<StatusView | null>>('getWorkUnitStatus', {
        spec: spec.name,
        keys: page.map(([k]) => k),
      });
      for (const [i, [key]] of page.entries()) {
        out.push({
          spec: nameToJson(spec.name),
          key: nameToJson(key),
          worker: statuses[i]?.worker_id ?? null,
          traceback: statuses[i]?.traceback ?? null,
        });
      }
    }
    return out;
  }

  return {
    async snapshot() {
      const started = performance.now();
      const specs = await client.call<'summary', SpecSummary[]>('summary', {});
      const storeRoundTripMs = performance.now() - started;
      const at = Date.now();
      const finished = specs.reduce((sum, s) => sum + (s.counts[4] ?? 0), 0);
      const rate =
        previous && at > previous.at
          ? Math.max(0, ((finished - previous.finished) * 1000) / (at - previous.at))
          : 0;
      previous = { at, finished };
      bucket ??= await openMembershipBucket(nc, names.nodeBucket);
      return {
        at,
        namespace: client.namespace,
        specCount: specs.length,
        specs: specs.slice(0, SNAPSHOT_ROWS).map(specView),
        nodes: (await readNodes(bucket)).slice(0, SNAPSHOT_ROWS),
        failures: await failures(specs),
        jobs,
        // The newest running jobs, asked of every frontend; null when none can be asked.
        running: await frontendBucket()
          .then((frontends) => listRunningJobs(nc, names, frontends, { limit: RUNNING_JOBS_SHOWN }, 1_000))
          .catch(() => null),
        // Batch runs when a dispatcher answers; an instance without one shows none.
        batch: await listRuns(nc, names, { limit: BATCH_RUNS_SHOWN }).catch(() => null),
        rates: { finishedPerSecond: rate, storeRoundTripMs },
      };
    },
    close() {
      watch.unsubscribe();
    },
  };
}
