import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@passerine/natsconn';
import { waitFor } from '@passerine/test-support';

/**
 * BullMQ, the job queue users would pick instead, on a local Redis (Debian's redis-server), with
 * the same concurrency and no-op jobs: jobs added in bulk first, then processed by one worker
 * process with `concurrency` slots. Returns peer_bullmq_* fields, or peer_bullmq_error.
 */
export async function runBullmqPeer(o: {
  jobs: number;
  concurrency: number;
}): Promise<Record<string, unknown>> {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    return { peer_bullmq_error: 'redis-server not installed (Debian: apt-get install redis-server)' };
  }
  const { Queue, Worker } = await import('bullmq');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'passerine-redis-'));
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  try {
    const queue = new Queue('peer', { connection });
    await waitFor(() => queue.waitUntilReady().then(() => true), { timeoutMs: 10_000 });
    const addStarted = performance.now();
    for (let i = 0; i < o.jobs; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, o.jobs - i) }, (_, j) => ({ name: 'noop', data: { i: i + j } })),
      );
    }
    const addSeconds = (performance.now() - addStarted) / 1000;
    let processed = 0;
    const started = performance.now();
    const worker = new Worker('peer', async () => undefined, {
      connection,
      concurrency: o.concurrency,
      removeOnComplete: { count: 0 },
    });
    worker.on('completed', () => {
      processed++;
    });
    await waitFor(() => processed >= o.jobs, { timeoutMs: 600_000, intervalMs: 100 });
    const seconds = (performance.now() - started) / 1000;
    await worker.close();
    await queue.close();
    return {
      peer_bullmq_jobs_per_s: Math.round(o.jobs / seconds),
      peer_bullmq_add_per_s: Math.round(o.jobs / addSeconds),
      peer_bullmq_jobs: o.jobs,
      peer_bullmq_concurrency: o.concurrency,
    };
  } finally {
    redis.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}
