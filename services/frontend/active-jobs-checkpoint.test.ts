import { encode, silentLogger } from '@passerine/core';
import { JetStreamEventLog, SnapshotStore } from '@passerine/eventlog';
import { initialJobState, type JobState, parseJob } from '@passerine/scheduling';
import { waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActiveJobsCheckpoint, decodeActiveJobs, encodeActiveJobs } from './active-jobs-checkpoint.ts';
import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import { type JobHistory, readActiveJobs } from './job-history.ts';
import { type SchedulingCluster, sleepTask, startSchedulingCluster } from './test-cluster.ts';

/** A job as the log would have it once submitted by `frontendId`, with one task running. */
function activeJob(jobId: string, frontendId: string): JobHistory {
  const state: JobState = {
    ...initialJobState(),
    status: 'active',
    job: parseJob({ id: jobId, tasks: [sleepTask('t', 1)] }),
    frontendId,
    open: 1,
  };
  state.tasks.set('t', { status: 'running', attempts: 1, attemptId: 'a1', nodeId: 'n0' });
  return { state, lastSeq: 7 };
}

describe('the active jobs checkpoint', () => {
  it('keeps job states, their tasks and payload bytes, and ignores a checkpoint of another version', () => {
    const jobs = new Map([['j', activeJob('j', 'fe-1')]]);
    const back = decodeActiveJobs(encodeActiveJobs(jobs))!;
    expect(back.get('j')!.lastSeq).toBe(7);
    expect(back.get('j')!.state.tasks.get('t')).toEqual({
      status: 'running',
      attempts: 1,
      attemptId: 'a1',
      nodeId: 'n0',
    });
    expect(back.get('j')!.state.job!.tasks[0].payload).toEqual(jobs.get('j')!.state.job!.tasks[0].payload);
    expect(decodeActiveJobs(encode({ v: 999, jobs: [] }))).toBeUndefined();
  });
});

describe('a sweep for orphaned jobs', () => {
  let cluster: SchedulingCluster;
  let snapshots: SnapshotStore;
  let log: JetStreamEventLog;
  const logger = silentLogger();

  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend({ id: 'fe-sweep' });
    await cluster.addNode({ id: 'n0', slots: 4 });
    await cluster.waitForNodes(1);
    snapshots = new SnapshotStore(cluster.nc, cluster.names.snapshotBucket);
    log = new JetStreamEventLog(cluster.nc, { stream: cluster.names.eventStream });
  });
  afterAll(() => cluster?.stop());

  it('starts from the checkpoint and leaves a new one when it read far past it', async () => {
    const { nc, names } = cluster;
    await submitJob(nc, names, { id: 'running', tasks: [sleepTask('t', 60_000)] });
    await submitJob(nc, names, { id: 'done', tasks: [sleepTask('t', 1)] });
    await awaitJob(nc, names, 'done');

    // Writes a checkpoint after every read of one sequence or more.
    const checkpoint = new ActiveJobsCheckpoint(snapshots, logger, 1);
    const first = await readActiveJobs(log, names, logger, checkpoint);
    expect([...first.keys()]).toEqual(['running']);
    const lastSeq = await log.lastSeq();
    await waitFor(async () => (await snapshots.load('frontend-active-jobs'))?.seq === lastSeq, {
      message: 'a checkpoint at the end of the log',
    });

    // A job only the checkpoint knows proves the next sweep starts from it, not from the log's start.
    const doctored = new Map([...first, ['only-in-checkpoint', activeJob('only-in-checkpoint', 'fe-gone')]]);
    await snapshots.save('frontend-active-jobs', lastSeq, encodeActiveJobs(doctored));
    await submitJob(nc, names, { id: 'later', tasks: [sleepTask('t', 60_000)] });
    await cancelJob(nc, names, 'running');
    const quiet = new ActiveJobsCheckpoint(snapshots, logger, Number.MAX_SAFE_INTEGER);
    const second = await readActiveJobs(log, names, logger, quiet);
    expect([...second.keys()].sort()).toEqual(['later', 'only-in-checkpoint']);
    expect(second.get('later')!.state.status).toBe('active');

    // A checkpoint it cannot use leaves it reading the whole log.
    await snapshots.save('frontend-active-jobs', lastSeq, encode({ v: 999 }));
    const whole = await readActiveJobs(log, names, logger, quiet);
    expect([...whole.keys()]).toEqual(['later']);
    await cancelJob(nc, names, 'later');
  });

  it('runs once at start-up: a frontend started after the owner stopped adopts its job', async () => {
    const { nc, names } = cluster;
    const owner = await cluster.addFrontend({ id: 'fe-owner' });
    await cluster.waitForNodes(1);
    // Both frontends serve the submit subject: submit until one lands at the owner.
    let jobId = '';
    for (let i = 0; !jobId; i++) {
      await submitJob(nc, names, { id: `left-${i}`, tasks: [sleepTask('t', 60_000)] });
      if ((await jobStatus(nc, names, `left-${i}`)).frontendId === 'fe-owner') jobId = `left-${i}`;
      else await cancelJob(nc, names, `left-${i}`);
    }
    await owner.stop();
    cluster.frontends.splice(cluster.frontends.indexOf(owner), 1);
    await cluster.frontends[0].stop();
    cluster.frontends.splice(0, 1);

    const heir = await cluster.addFrontend({ id: 'fe-heir', staleAfterMs: 300 });
    await heir.startupSwept;
    expect((await jobStatus(nc, names, jobId)).frontendId).toBe('fe-heir');
    await cancelJob(nc, names, jobId);
  });
});
