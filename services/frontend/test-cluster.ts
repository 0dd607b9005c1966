import { provision } from '@passerine/eventlog';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import type { NatsConnection, ServiceContext } from '@passerine/natsconn';
import { encodePayload, NodeMonitor, type NodeMonitorOptions } from '@passerine/node-monitor';
import { createNames, type Names } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll } from 'vitest';
import { Frontend } from './frontend.ts';
import type { FrontendOptions } from './options.ts';

/** A task that sleeps `ms` in the node monitor: what the tests schedule. */
export const sleepTask = (id: string, ms: number) => ({
  id,
  payload: encodePayload({ kind: 'sleep', ms }),
});

/** Fast membership for tests: dead members are noticed within about a second. */
export const FAST = { heartbeatMs: 100, staleAfterMs: 600 } as const;

/** A real nats-server with the streams, plus frontends and node monitors started in this process. */
export interface SchedulingCluster {
  server: TestServer;
  nc: NatsConnection;
  names: Names;
  ctx: ServiceContext;
  frontends: Frontend[];
  nodes: NodeMonitor[];
  addFrontend(options?: FrontendOptions): Promise<Frontend>;
  addNode(options: NodeMonitorOptions): Promise<NodeMonitor>;
  /** Waits until every frontend sees this many node monitors. */
  waitForNodes(count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSchedulingCluster(server?: TestServer): Promise<SchedulingCluster> {
  const ownServer = !server;
  const srv = server ?? (await startTestServer());
  const nc = await srv.connect('scheduling-test');
  const names = createNames(uniquePrefix('s'));
  await provision(nc, names);
  const ctx: ServiceContext = {
    nc,
    names,
    logger: silentLogger(),
    clock: systemClock,
    ids: randomIdSource(),
  };
  const cluster: SchedulingCluster = {
    server: srv,
    nc,
    names,
    ctx,
    frontends: [],
    nodes: [],
    async addFrontend(options = {}) {
      const frontend = new Frontend(ctx, { ...FAST, ...options });
      await frontend.start();
      cluster.frontends.push(frontend);
      return frontend;
    },
    async addNode(options) {
      const node = new NodeMonitor(ctx, { heartbeatMs: FAST.heartbeatMs, ...options });
      await node.start();
      cluster.nodes.push(node);
      return node;
    },
    async waitForNodes(count) {
      await waitFor(() => cluster.frontends.every((f) => f.liveNodes >= count), {
        message: `every frontend to see ${count} node monitors`,
      });
    },
    async stop() {
      for (const frontend of cluster.frontends) await frontend.stop();
      for (const node of cluster.nodes) await node.stop();
      await nc.drain().catch(() => undefined);
      if (ownServer) await srv.stop();
    },
  };
  return cluster;
}

/**
 * One cluster for a describe block: one frontend and these node monitors, started before its tests
 * (every frontend sees every node) and stopped after. Returns the cluster once started.
 */
export function clusterPerDescribe(
  frontend: FrontendOptions,
  nodes: NodeMonitorOptions[],
): () => SchedulingCluster {
  let cluster: SchedulingCluster;
  beforeAll(async () => {
    cluster = await startSchedulingCluster();
    await cluster.addFrontend(frontend);
    for (const node of nodes) await cluster.addNode(node);
    if (nodes.length > 0) await cluster.waitForNodes(nodes.length);
  });
  afterAll(() => cluster?.stop());
  return () => cluster;
}
