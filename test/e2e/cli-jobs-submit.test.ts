import { type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { jobStatus } from '@passerine/scheduling-protocol';
import { projectRoot, runCli } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('passerine jobs submit --idempotency-key --not-before --ttl (real nats-server, two frontends)', () => {
  let cluster: SchedulingCluster;
  const submit = (...args: string[]) =>
    runCli(
      [
        'jobs',
        'submit',
        '--nats-url',
        `nats://${cluster.nc.getServer()}`,
        '--prefix',
        cluster.names.prefix,
        ...args,
      ],
      projectRoot,
    );

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'n0', slots: 2 });
    await cluster.waitForNodes(1);
  });
  afterAll(() => cluster?.stop());

  it('answers a repeated submit with the first job, and refuses other content under the key', async () => {
    const first = await submit('--idempotency-key', 'nightly-1', '--no-wait', '--', 'true');
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^job-\S+\n$/) });
    const again = await submit('--idempotency-key', 'nightly-1', '--no-wait', '--', 'true');
    expect(again.stdout).toBe(first.stdout);
    expect(again.stderr).toContain(`a repeat of the submit of job ${first.stdout.trim()}: no new job`);
    const other = await submit('--idempotency-key', 'nightly-1', '--no-wait', '--', 'false');
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(
      new RegExp(
        `idempotency key 'nightly-1' was first used at .* to submit job ${first.stdout.trim()} with other content; refused`,
      ),
    );
  });

  it('submits a job that waits until its not-before, with a time to live', async () => {
    const before = Date.now();
    const out = await submit('--not-before', '+1m', '--ttl', '2h', '--no-wait', '--', 'true');
    expect(out.code).toBe(0);
    const status = await jobStatus(cluster.nc, cluster.names, out.stdout.trim());
    expect(status.status).toBe('waiting');
    expect(status.notBefore! - before).toBeGreaterThanOrEqual(60_000);
    expect(status.expiresAt! - status.notBefore!).toBeGreaterThan(3_600_000);
  });

  // Bad flags (a time to live that is no time, a not-before that is not a time) are refused before
  // anything is sent: time-flags.test.ts; a time to live already passed is refused by the frontend.
  it('runs a job whose not-before has passed now', async () => {
    const past = await submit('--not-before', '2020-01-01T00:00:00Z', '--', 'true');
    expect(past).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/: completed \(1 finished, 0 failed\)/),
    });
  });
});
