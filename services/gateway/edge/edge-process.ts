import type { Socket } from 'node:net';
import { WorkQueueClient } from '@passerine/client';
import { DEFAULT_MAX_FRAME_BYTES } from '@passerine/cbor';
import { createLogger } from '@passerine/core';
import { answerMetricsGather, createMetrics } from '@passerine/metrics';
import { connectNats } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { serveConnection } from '../cbor-rpc/connection.ts';
import { serverDefaults } from '../cbor-rpc/index.ts';
import { coordinateMethods, createCoordinateHandler } from '../coordinate/index.ts';
import { connectionFigures, observedHandler } from '../observed-edge.ts';
import { EDGE_CONFIG_VARIABLE, type EdgeConfig, type FromEdge, type ToEdge } from './messages.ts';

/**
 * An edge process: serves the Coordinate connections its gateway accepted and handed over, with
 * the same connection code (frame limits, idle timeout, back-pressure) as the gateway's own, and
 * calls the store leader over NATS. It lives as long as its gateway: when the channel to it closes
 * (the gateway stopped or died) it exits.
 */
const config = JSON.parse(process.env[EDGE_CONFIG_VARIABLE] ?? '{}') as EdgeConfig;
const logger = createLogger({ level: config.logLevel }).child({
  service: 'gateway',
  component: 'edge-process',
  namespace: config.namespace,
});
const send = (message: FromEdge) => process.send?.(message);
const nc = await connectNats({
  ...config.natsAccess,
  servers: config.natsUrl,
  name: 'passerine-gateway-edge',
});
const names = createNames(config.prefix);
const api = new WorkQueueClient(nc, names, { namespace: config.namespace });
// The process's own figures, gathered with every other process's by the instance's /metrics.
const metrics = createMetrics();
answerMetricsGather(nc, names, metrics.registry);
const connections = connectionFigures(metrics, 'cbor');
const methods = new Set(coordinateMethods(config.namespace).keys());
const settings = {
  handler: observedHandler(createCoordinateHandler(api, config.namespace), methods, metrics),
  observer: connections,
  maxFrameBytes: config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
  idleTimeoutMs: config.idleTimeoutMs ?? serverDefaults.idleTimeoutMs,
  maxInFlight: serverDefaults.maxInFlightPerConnection,
  logger: logger.child({ component: 'cbor-rpc' }),
};
const sockets = new Set<Socket>();
const DRAIN_LIMIT_MS = 1_000;
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const socket of sockets) socket.destroy();
  // With NATS dead or paused a drain never ends: the process would outlive its gateway.
  const drained = nc.drain().catch(() => undefined);
  await Promise.race([drained, new Promise((r) => setTimeout(r, DRAIN_LIMIT_MS))]);
  process.exit(code);
}

process.on('message', (message: ToEdge, socket?: Socket) => {
  if (message.type === 'stop') {
    void stop(0);
    return;
  }
  if (message.type !== 'connection' || !socket) return;
  const { connectionId } = message;
  // A socket arriving over the channel is rebuilt without the listening server's options.
  socket.allowHalfOpen = true;
  socket.setNoDelay(true);
  sockets.add(socket);
  connections.opened();
  socket.on('close', () => {
    sockets.delete(socket);
    connections.closed();
    if (!stopping) send({ type: 'closed', connectionId });
  });
  serveConnection(socket, connectionId, settings);
  socket.resume();
});
process.on('disconnect', () => void stop(0));
// Ctrl-C, and a supervisor's stop of the whole process group, reach the edges too: the gateway
// stops its edges itself, in order, so one dying of the signal first would look like a crash to
// it. An edge whose gateway is gone ends on the channel's disconnect.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
void nc.closed().then((err) => {
  if (stopping) return;
  logger.fatal({ err }, 'NATS connection closed; edge process exits');
  void stop(1);
});
send({ type: 'ready' });
