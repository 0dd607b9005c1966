import { type Client, credentials, type ServiceError, status } from '@grpc/grpc-js';
import { encodePayload } from '@passerine/node-monitor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingCluster, startSchedulingCluster } from '@passerine/frontend/testing';
import { createGatewayService, type GatewayService } from '../gateway-service.ts';
import { loadProtos } from '../grpc/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: messages are shaped by the .proto files at run time.
type Msg = any;

let cluster: SchedulingCluster;
let gateway: GatewayService;
let scheduler: Msg;

const call = (method: string, request: Msg): Promise<Msg> =>
  new Promise((resolve, reject) =>
    scheduler[method](request, (err: ServiceError | null, reply: Msg) =>
      err ? reject(err) : resolve(reply),
    ),
  );
const sleepTask = (id: string, ms: number) => ({
  task_id: id,
  payload: Buffer.from(encodePayload({ kind: 'sleep', ms })),
});

beforeAll(async () => {
  cluster = await startSchedulingCluster();
  await cluster.addFrontend();
  await cluster.addNode({ id: 'n0', slots: 2 });
  await cluster.waitForNodes(1);
  gateway = createGatewayService(cluster.ctx, { cborPort: 0, grpcPort: 0, httpPort: 0 });
  await gateway.start();
  scheduler = new (loadProtos().Scheduler)(`127.0.0.1:${gateway.ports.grpc}`, credentials.createInsecure());
});

afterAll(async () => {
  (scheduler as Client | undefined)?.close();
  await gateway?.stop();
  await cluster?.stop();
});

describe('gRPC Scheduler service over the frontends', () => {
  it('submits a job of tasks and streams its state until it completes', async () => {
    const accepted = await call('SubmitJob', {
      job_id: 'g-1',
      tasks: [sleepTask('a', 20), sleepTask('b', 20)],
    });
    expect(accepted).toMatchObject({ job_id: 'g-1', status: 'accepted' });
    const states: Msg[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = scheduler.WatchJob({ job_id: 'g-1' });
      stream.on('data', (r: Msg) => states.push(r));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(states.at(-1)).toMatchObject({ job_id: 'g-1', status: 'completed', finished: 2 });
  });

  it('cancels a running job', async () => {
    await call('SubmitJob', { job_id: 'g-2', tasks: [sleepTask('long', 30_000)] });
    const cancelled = await call('CancelJob', { job_id: 'g-2', reason: 'test' });
    expect(cancelled).toMatchObject({ job_id: 'g-2', status: 'cancelled' });
  });

  it('refuses a bad job with INVALID_ARGUMENT naming the field', async () => {
    const err = await call('SubmitJob', { job_id: 'g-3', tasks: [{ task_id: 't' }] }).catch((e) => e);
    expect(err.code).toBe(status.INVALID_ARGUMENT);
  });
});
