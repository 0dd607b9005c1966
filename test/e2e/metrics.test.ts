import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { buildRequest, CborMap, type CborValue, encodeFrame, type RpcParams, Tuple } from '@passerine/cbor';
import { renderInstanceMetrics } from '@passerine/metrics';
import { createNames } from '@passerine/subjects';
import { spawnCli, startTestServer, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '@passerine/gateway/testing';

/**
 * The figures of a Passerine spread over three processes: `serve store gateway --threads 2` (with
 * its edge process) and `serve node-monitor`, each with its own --metrics-port. The instance's /metrics text (what
 * the gateway mounts) is gathered over NATS from both; each port serves its process alone. Every
 * text is read back with a Prometheus text parser.
 */
let server: TestServer;
let nc: NatsConnection;
let cwd: string;
let prefix: string;
const children: ReturnType<typeof spawnCli>[] = [];

function serve(...args: string[]) {
  const child = spawnCli(
    ['serve', ...args, '--nats-url', server.url, '--prefix', prefix, '--metrics-port', '0'],
    cwd,
  );
  children.push(child);
  return child;
}

/** An endpoint the process printed (`  metrics  http://…`). */
async function endpoint(child: ReturnType<typeof spawnCli>, what: string): Promise<string> {
  const pattern = new RegExp(`^\\s+${what}\\s+(\\S+)$`, 'm');
  await waitFor(() => pattern.test(child.output()), { timeoutMs: 60_000 });
  return pattern.exec(child.output())![1];
}

beforeAll(async () => {
  server = await startTestServer();
  nc = await server.connect();
  prefix = uniquePrefix();
  cwd = await mkdtemp(join(tmpdir(), 'passerine-metrics-'));
}, 60_000);

afterAll(async () => {
  for (const c of children) c.child.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exited));
  await nc?.close();
  await server?.stop();
  if (cwd) await rm(cwd, { recursive: true, force: true });
}, 60_000);

const dict = (fields: Record<string, CborValue>) => CborMap.fromObject(fields);

async function rpc(port: number) {
  const c = await TestClient.open(port);
  let id = 0;
  return {
    client: c,
    async call(method: string, params: RpcParams = []): Promise<CborValue> {
      const before = c.messages.length;
      c.write(encodeFrame(buildRequest(++id, method, params)));
      const answer = (await c.responses(before + 1))[before];
      if ('error' in answer) throw new Error(answer.error.message);
      return answer.result;
    },
  };
}

type Families = ReturnType<typeof parsePrometheusTextFormat>;
const family = (families: Families, name: string) => {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric ${name} in the scrape`);
  return found;
};
const sample = (families: Families, name: string, labels: Record<string, string>) =>
  family(families, name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

describe('Prometheus metrics', () => {
  it('gathers the whole instance across processes, and serves each process its own', async () => {
    // Two threads: the gateway hands connections to an edge process of its own.
    const edge = serve(
      'store',
      'gateway',
      '--cbor-port',
      '0',
      '--grpc-port',
      '0',
      '--http-port',
      '0',
      '--threads',
      '2',
    );
    const node = serve('node-monitor', '--slots', '2');
    const cbor = Number(new URL((await endpoint(edge, 'cbor')).replace('tcp:', 'http:')).port);
    const edgeMetrics = await endpoint(edge, 'metrics');
    const nodeMetrics = await endpoint(node, 'metrics');

    const { call, client } = await rpc(cbor);
    await call('set_work_spec', [dict({ name: 'crawl' })]);
    await call('add_work_units', [
      'crawl',
      Array.from({ length: 10 }, (_, i) => new Tuple([`u${i}`, dict({ i })])),
    ]);
    for (let i = 0; i < 3; i++) {
      const [work] = (
        (await call('get_work', [
          'w1',
          dict({ max_jobs: 1, lease_time: 60, work_spec_names: ['crawl'] }),
        ])) as Tuple
      ).items;
      const [spec, key] = (work as Tuple).items;
      await call('update_work_unit', [spec, key, dict({ status: 4 })]);
    }
    await expect(call('no_such_method')).rejects.toThrow();

    const names = createNames(prefix);
    let families: Families = [];
    await waitFor(
      async () => {
        families = parsePrometheusTextFormat((await renderInstanceMetrics(nc, names)).text);
        // The store and gateway's process, its edge process, and the node monitor's.
        return family(families, 'passerine_instance_processes').metrics[0]?.value === '3';
      },
      { timeoutMs: 30_000 },
    );

    const units = (status: string) =>
      Number(sample(families, 'passerine_workqueue_units', { spec: 'crawl', status })?.value);
    expect(units('finished')).toBe(3);
    expect(units('available')).toBe(7);
    expect(units('pending')).toBe(0);

    const calls = (method: string, outcome: string) =>
      Number(
        sample(families, 'passerine_gateway_calls_total', { edge: 'cbor', method, outcome })?.value ?? 0,
      );
    expect(calls('get_work', 'ok')).toBe(3);
    expect(calls('update_work_unit', 'ok')).toBe(3);
    expect(calls('unknown', 'not_found')).toBe(1);
    // The parser flattens a histogram with labels into one sample (its buckets only), so the latency
    // histograms by method are checked for being there; counts are read from unlabelled ones.
    expect(family(families, 'passerine_gateway_call_seconds').type).toBe('HISTOGRAM');
    expect(
      Number(family(families, 'passerine_gateway_call_seconds').metrics[0].buckets?.['+Inf']),
    ).toBeGreaterThan(0);
    expect(Number(sample(families, 'passerine_gateway_connections', { edge: 'cbor' })?.value)).toBe(1);
    expect(
      Number(sample(families, 'passerine_store_leader_changes_total', { change: 'elected' })?.value),
    ).toBe(1);
    expect(Number(family(families, 'passerine_eventlog_commit_events').metrics[0].count)).toBeGreaterThan(0);
    expect(Number(family(families, 'passerine_eventlog_append_seconds').metrics[0].count)).toBeGreaterThan(0);
    // The node monitor's figures come from the other process.
    const nodeSamples = family(families, 'passerine_node_tasks').metrics;
    expect(nodeSamples.map((m) => m.labels?.state).sort()).toEqual(['queued', 'running']);

    // Each process's own port: the node monitor's has its node and no store figures.
    const own = parsePrometheusTextFormat(await (await fetch(nodeMetrics)).text());
    expect(family(own, 'passerine_node_tasks').metrics).toHaveLength(2);
    expect(family(own, 'passerine_workqueue_units').metrics).toHaveLength(0);
    const edgeOwn = parsePrometheusTextFormat(await (await fetch(edgeMetrics)).text());
    expect(Number(sample(edgeOwn, 'passerine_workqueue_units', { status: 'finished' })?.value)).toBe(3);
    // The first connection went to the edge process: its calls are in the instance's figures, not
    // in the gateway process's own.
    expect(sample(edgeOwn, 'passerine_gateway_calls_total', { method: 'get_work' })).toBeUndefined();
    expect((await fetch(new URL('/nope', nodeMetrics))).status).toBe(404);

    client.socket.destroy();
    await waitFor(async () => {
      const after = parsePrometheusTextFormat((await renderInstanceMetrics(nc, names)).text);
      return sample(after, 'passerine_gateway_connections', { edge: 'cbor' })?.value === '0';
    });
  }, 120_000);
});
