import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '@passerine/natsconn';
import { startTestCluster, type TestCluster } from './index.ts';

describe('test nats cluster launcher', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('forms a 3-node JetStream cluster on loopback that holds an R3 stream', async () => {
    expect(cluster.urls).toHaveLength(3);
    const nc = await cluster.connect();
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.add({ name: 'R3', subjects: ['r3.>'], num_replicas: 3 });
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas?.length).toBe(2);
  });

  it('accepts a comma-separated URL list, the form PASSERINE_NATS_URL takes in docker-compose.yml', async () => {
    const nc = await connectNats({ servers: cluster.urls.join(',') });
    expect(nc.getServer()).toMatch(/127\.0\.0\.1:\d+/);
    await nc.close();
  });
});
