import { jetstreamManager } from '@nats-io/jetstream';
import { systemClock } from '@passerine/core';
import { parseJob } from '@passerine/scheduling';
import { awaitJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import { IDEMPOTENCY_WINDOW_MS } from '@passerine/workqueue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobKeys, MAX_JOB_KEYS, openJobKeyBucket } from './job-keys.ts';
import { type SchedulingCluster, sleepTask, startSchedulingCluster } from './test-cluster.ts';

describe('idempotent job submits (real nats-server, several frontends)', () => {
  let cluster: SchedulingCluster;
  const job = (id: string, key: string, ms = 20) => ({
    id,
    idempotencyKey: key,
    tasks: [sleepTask('t0', ms), sleepTask('t1', ms)],
  });

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend();
    await cluster.addFrontend();
    await cluster.addNode({ id: 'n0', slots: 4 });
    await cluster.waitForNodes(1);
  });
  afterAll(() => cluster?.stop());

  it('keeps the keys in a bucket bounded in count and age, opened by the first keyed submit', async () => {
    const jsm = await jetstreamManager(cluster.nc);
    const stream = `KV_${cluster.names.jobKeyBucket}`;
    await expect(jsm.streams.info(stream)).rejects.toThrow(/stream not found/);
    await submitJob(cluster.nc, cluster.names, job('opens-bucket', 'opens-bucket'));
    const { config } = await jsm.streams.info(stream);
    expect(config).toMatchObject({ max_msgs: MAX_JOB_KEYS, discard: 'old', max_msgs_per_subject: 1 });
    expect(config.max_age).toBe(IDEMPOTENCY_WINDOW_MS * 1_000_000);
  });

  it('answers repeats sent at once to two frontends with one job', async () => {
    const { nc, names } = cluster;
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => submitJob(nc, names, job(`burst-${i}`, 'burst'))),
    );
    const ids = new Set(replies.map((r) => r.jobId));
    expect(ids.size).toBe(1);
    const [first] = ids;
    expect(replies.filter((r) => r.repeated).length).toBe(11);
    expect((await awaitJob(nc, names, first!)).finished).toBe(2);
    for (let i = 0; i < 12; i++) {
      if (`burst-${i}` === first) continue;
      await expect(jobStatus(nc, names, `burst-${i}`)).rejects.toMatchObject({ code: 'not_found' });
    }
  });

  it('refuses other content under a used key, naming the first submit', async () => {
    const { nc, names } = cluster;
    await submitJob(nc, names, job('first-a', 'taken'));
    await expect(submitJob(nc, names, job('other-a', 'taken', 999))).rejects.toMatchObject({
      code: 'illegal_state',
      message: expect.stringMatching(
        /idempotency key 'taken' was first used at .* by user 'default' to submit job first-a with other content; refused/,
      ),
    });
    // The same key of another user is another key.
    const reply = await submitJob(nc, names, { ...job('other-b', 'taken', 999), user: 'bob' });
    expect(reply).toMatchObject({ jobId: 'other-b', status: 'accepted' });
    expect(reply.repeated).toBeUndefined();
  });

  it('refuses a malformed key and gives back the key of a refused submit', async () => {
    const { nc, names } = cluster;
    await expect(
      submitJob(nc, names, { ...job('bad-key', 'x'), idempotencyKey: 'a b' }),
    ).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/idempotency_key/),
    });
    await expect(
      submitJob(nc, names, { ...job('no-node', 'fixable'), labels: { zone: 'mars' } }),
    ).rejects.toMatchObject({ code: 'validation' });
    const fixed = await submitJob(nc, names, job('fixed', 'fixable'));
    expect(fixed).toMatchObject({ jobId: 'fixed', status: 'accepted' });
  });

  it('takes a retry after the not-before has passed for the same submit', async () => {
    const { nc, names } = cluster;
    const input = { ...job('delayed-first', 'delayed'), notBefore: Date.now() + 500 };
    expect(await submitJob(nc, names, input)).toMatchObject({ jobId: 'delayed-first', status: 'waiting' });
    await awaitJob(nc, names, 'delayed-first');
    const retry = await submitJob(nc, names, { ...input, id: 'delayed-retry' });
    expect(retry).toMatchObject({ jobId: 'delayed-first', repeated: true });
  });

  it('remembers a key across the restart of every frontend', async () => {
    const { nc, names } = cluster;
    await submitJob(nc, names, job('before-restart', 'restart'));
    for (const frontend of cluster.frontends.splice(0)) await frontend.stop();
    await cluster.addFrontend();
    const reply = await submitJob(nc, names, job('after-restart', 'restart'));
    expect(reply).toMatchObject({ jobId: 'before-restart', repeated: true });
    await expect(jobStatus(nc, names, 'after-restart')).rejects.toMatchObject({ code: 'not_found' });
    await cluster.addFrontend();
  });

  it('records the job of a first submit whose frontend stopped after claiming its key', async () => {
    const { nc, names } = cluster;
    const keys = new JobKeys(
      () => openJobKeyBucket(nc, names, IDEMPOTENCY_WINDOW_MS),
      IDEMPOTENCY_WINDOW_MS,
      () => systemClock.now(),
    );
    const claim = await keys.claim({ ...parseJob(job('lost', 'lost')), idempotencyKey: 'lost' }, 'lost');
    expect(claim.kind).toBe('first');
    const reply = await submitJob(nc, names, job('retry', 'lost'));
    expect(reply).toMatchObject({ jobId: 'lost', status: 'accepted', repeated: true });
    expect((await awaitJob(nc, names, 'lost')).finished).toBe(2);
  });
});
