import { Writable } from 'node:stream';
import { buildRequest, CborMap, type CborValue, encodeFrame, type RpcParams, Tuple } from '@passerine/cbor';
import { createLogger, randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { provision } from '@passerine/eventlog';
import { startSchedulingCluster } from '@passerine/frontend/testing';
import { createGatewayService } from '@passerine/gateway';
import { TestClient } from '@passerine/gateway/testing';
import { createMetrics, inSpan, startTracing, type Tracing, traceLogFields } from '@passerine/metrics';
import type { NatsConnection } from '@passerine/natsconn';
import { awaitJob, submitJob } from '@passerine/scheduling-protocol';
import { createStoreService } from '@passerine/store';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';

/**
 * Tracing on, exported to memory: a CBOR-RPC call at the gateway, the store's operation it becomes
 * (over a NATS request, the trace carried in its headers) and the append of what it decided are one
 * trace; log lines written in a span carry its ids.
 */
let server: TestServer;
let nc: NatsConnection;
let tracing: Tracing;
const exporter = new InMemorySpanExporter();
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  tracing = startTracing({ exporter, serviceName: 'passerine-test' })!;
  server = await startTestServer();
  nc = await server.connect();
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await tracing?.stop();
  await nc?.close();
  await server?.stop();
});

const dict = (fields: Record<string, CborValue>) => CborMap.fromObject(fields);

describe('OpenTelemetry tracing', () => {
  it('follows a CBOR-RPC call through the store operation to its append', async () => {
    const names = createNames(uniquePrefix());
    await provision(nc, names);
    const ctx = {
      nc,
      names,
      logger: silentLogger(),
      clock: systemClock,
      ids: randomIdSource(),
      metrics: createMetrics(),
    };
    const store = createStoreService(ctx, { leaseTtlMs: 1_000 });
    await store.start();
    stops.push(() => store.stop());
    const gateway = createGatewayService(ctx, { cborPort: 0, grpcPort: 0, httpPort: 0 });
    await gateway.start();
    stops.push(() => gateway.stop());

    const client = await TestClient.open(gateway.ports.cbor);
    stops.push(async () => client.close());
    let id = 0;
    const call = async (method: string, params: RpcParams) => {
      const before = client.messages.length;
      client.write(encodeFrame(buildRequest(++id, method, params)));
      const answer = (await client.responses(before + 1))[before];
      if ('error' in answer) throw new Error(answer.error.message);
      return answer.result;
    };
    await call('set_work_spec', [dict({ name: 'traced' })]);
    await call('add_work_units', ['traced', [new Tuple(['u1', dict({})])]]);

    const spans = await waitFor(() => {
      const finished = exporter.getFinishedSpans();
      const rpc = finished.find((s) => s.name === 'cbor-rpc add_work_units');
      return rpc &&
        finished.some(
          (s) => s.name === 'eventlog append' && s.spanContext().traceId === rpc.spanContext().traceId,
        )
        ? finished
        : undefined;
    });
    const rpc = spans.find((s) => s.name === 'cbor-rpc add_work_units')!;
    const trace = spans.filter((s) => s.spanContext().traceId === rpc.spanContext().traceId);
    const op = trace.find((s) => s.name.startsWith('store '))!;
    const append = trace.find((s) => s.name === 'eventlog append')!;
    // The store's span hangs under the gateway's (through the NATS request), the append under the store's.
    expect(op.name).toBe('store addWorkUnits');
    expect(op.parentSpanContext?.spanId).toBe(rpc.spanContext().spanId);
    expect(append.parentSpanContext?.spanId).toBe(op.spanContext().spanId);
    expect(append.attributes['passerine.events']).toBe(1);
  });

  it("follows a job from its submit through each task's placement, run and report", async () => {
    const cluster = await startSchedulingCluster(server);
    stops.push(() => cluster.stop());
    await cluster.addFrontend();
    await cluster.addNode({ id: 'traced-node', slots: 2 });
    await cluster.waitForNodes(1);
    const tasks = ['t0', 't1'].map((id) => ({
      id,
      resources: { cpus: 0, memMb: 0, diskMb: 0 },
      command: { command: 'sleep', args: ['0.05'] },
    }));
    await submitJob(cluster.nc, cluster.names, { id: 'traced-job', tasks });
    expect((await awaitJob(cluster.nc, cluster.names, 'traced-job')).status).toBe('completed');
    const spans = await waitFor(() => {
      const finished = exporter.getFinishedSpans();
      return finished.filter((s) => s.name === 'task report').length >= 2 ? finished : undefined;
    });
    const submit = spans.find((s) => s.name === 'job submit')!;
    const steps = spans.filter(
      (s) => s.spanContext().traceId === submit.spanContext().traceId && s !== submit,
    );
    for (const name of ['task placement', 'task run', 'task report']) {
      const ofName = steps.filter((s) => s.name === name);
      expect(ofName.map((s) => s.attributes['passerine.task']).sort(), name).toEqual(['t0', 't1']);
      for (const span of ofName) expect(span.parentSpanContext?.spanId).toBe(submit.spanContext().spanId);
    }
    const run = steps.find((s) => s.name === 'task run')!;
    expect(run.attributes).toMatchObject({ 'passerine.node': 'traced-node', 'passerine.status': 'finished' });
  });

  it('puts the trace and span id on log lines written in a span, and none outside', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'info', mixin: traceLogFields }, sink);
    const ids = await inSpan('logged', {}, (span) => {
      logger.info('inside');
      return span.spanContext();
    });
    logger.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l));
    expect(inside).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
    expect(outside.trace_id).toBeUndefined();
    expect(createLogger({ mixin: traceLogFields })).toBeDefined();
  });
});
