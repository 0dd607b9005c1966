import { encode, randomIdSource, silentLogger, systemClock } from '@passerine/core';
import type { NatsConnection, ServiceContext } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll } from 'vitest';
import { NodeMonitor } from './node-monitor.ts';
import type { NodeMonitorOptions } from './options.ts';
import type { CancelMessage, ReserveMessage } from '@passerine/scheduling-protocol';
import { encodePayload } from '@passerine/scheduling-protocol';

/** The payload of a task that sleeps `ms` in the node monitor. */
export const sleep = (ms: number) => ({ payload: encodePayload({ kind: 'sleep', ms }) });

export interface NodeMonitorTestBed {
  readonly ctx: ServiceContext;
  readonly nc: NatsConnection;
  /** Starts a node monitor (heartbeat every 100 ms unless given), stopped after the block. */
  node(options: NodeMonitorOptions): Promise<NodeMonitor>;
  /** Leaves a reservation of frontend `fe` (user u, priority 0, one unit, no resources unless given). */
  reserve(nodeId: string, reservation: Partial<ReserveMessage> & { jobId: string }): void;
  /** Sends a cancel to the node monitor, as a frontend does. */
  cancel(nodeId: string, message: CancelMessage): void;
}

/** A nats-server for one describe block and the node monitors its tests start on it. */
export function nodeMonitorsPerDescribe(prefix: string): NodeMonitorTestBed {
  let server: TestServer;
  let ctx: ServiceContext;
  const nodes: NodeMonitor[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    ctx = {
      nc: await server.connect(),
      names: createNames(uniquePrefix(prefix)),
      logger: silentLogger(),
      clock: systemClock,
      ids: randomIdSource(),
    };
  });
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    await server?.stop();
  });
  return {
    get ctx() {
      return ctx;
    },
    get nc() {
      return ctx.nc;
    },
    async node(options) {
      const monitor = new NodeMonitor(ctx, { heartbeatMs: 100, ...options });
      await monitor.start();
      nodes.push(monitor);
      return monitor;
    },
    reserve(nodeId, reservation) {
      const message: ReserveMessage = {
        frontendId: 'fe',
        user: 'u',
        priority: 0,
        count: 1,
        resources: { cpus: 0, memMb: 0, diskMb: 0 },
        ...reservation,
      };
      ctx.nc.publish(ctx.names.nodeMonitor(nodeId, 'reserve'), encode(message));
    },
    cancel(nodeId, message) {
      ctx.nc.publish(ctx.names.nodeMonitor(nodeId, 'cancel'), encode(message));
    },
  };
}
