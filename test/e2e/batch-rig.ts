import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdmissionEvent } from '@passerine/batch';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { JetStreamEventLog, provision } from '@passerine/eventlog';
import { Frontend } from '@passerine/frontend';
import type { NatsConnection, ServiceContext } from '@passerine/natsconn';
import { NodeMonitor } from '@passerine/node-monitor';
import { createNames, type Names } from '@passerine/subjects';
import { runCli, spawnCli, type TestServer, uniquePrefix, waitFor } from '@passerine/test-support';

/** Membership and sweeps fast enough for a test: a killed dispatcher's runs are handed over within a second. */
export const FAST_DISPATCH_ENV = {
  PASSERINE_HEARTBEAT_MS: '100',
  PASSERINE_DISPATCH_TICK_MS: '100',
  PASSERINE_DISPATCH_SWEEP_MS: '1000',
  PASSERINE_LOG_LEVEL: 'warn',
};

export type DispatcherProcess = ReturnType<typeof spawnCli>;

/**
 * A batch test bed: a frontend and node monitors in the test's process, dispatchers as processes
 * of their own (`passerine serve dispatcher`) that a test can kill, and the CLI against them.
 */
export class BatchRig {
  readonly names: Names = createNames(uniquePrefix('ba'));
  readonly ctx: ServiceContext;
  readonly log: JetStreamEventLog;
  readonly dispatchers: DispatcherProcess[] = [];
  private readonly services: { stop(): Promise<void> }[] = [];
  dir = '';

  constructor(
    private readonly server: TestServer,
    readonly nc: NatsConnection,
  ) {
    this.ctx = { nc, names: this.names, logger: silentLogger(), clock: systemClock, ids: randomIdSource() };
    this.log = new JetStreamEventLog(nc, { stream: this.names.eventStream });
  }

  async start(nodes: number, slots: number): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'passerine-batch-'));
    await provision(this.nc, this.names);
    const frontend = new Frontend(this.ctx, { heartbeatMs: 100, pumpNamespaces: [] });
    await frontend.start();
    this.services.push(frontend);
    for (let i = 0; i < nodes; i++) {
      const node = new NodeMonitor(this.ctx, {
        id: `n${i}`,
        slots,
        heartbeatMs: 100,
        artifactCacheDir: join(this.dir, `cache-n${i}`),
      });
      await node.start();
      this.services.push(node);
    }
  }

  /** Starts a dispatcher process and waits until it serves. */
  async startDispatcher(env: NodeJS.ProcessEnv = {}): Promise<DispatcherProcess> {
    const args = ['serve', 'dispatcher', '--nats-url', this.server.url, '--prefix', this.names.prefix];
    const proc = spawnCli(args, this.dir, { ...FAST_DISPATCH_ENV, ...env });
    this.dispatchers.push(proc);
    await waitFor(() => proc.output().includes('dispatcher serving.'), {
      timeoutMs: 30_000,
      message: `dispatcher serving (${proc.output()})`,
    });
    return proc;
  }

  /** `passerine ARGS` against this bed. */
  cli(args: string[]) {
    return runCli([...args, '--nats-url', this.server.url, '--prefix', this.names.prefix], this.dir);
  }

  /** Writes the definitions directory (file name → YAML) and applies it. */
  async apply(files: Record<string, string>, name = 'jobs') {
    const dir = join(this.dir, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    return this.cli(['jobs', 'apply', dir]);
  }

  /** Every admission decision recorded for a job, oldest first. */
  async admissions(job: string): Promise<AdmissionEvent[]> {
    const events: AdmissionEvent[] = [];
    for await (const record of this.log.read({ filter: this.names.batchAdmissions(job) })) {
      if (record.kind === 'commit') events.push(...(record.events as unknown as AdmissionEvent[]));
    }
    return events;
  }

  async stop(): Promise<void> {
    for (const proc of this.dispatchers) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
    await Promise.all(this.dispatchers.map((p) => p.exited));
    for (const service of this.services.reverse()) await service.stop().catch(() => undefined);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** The ticks of a job's dispatched runs, checked to be one decision each and one second apart. */
export function tickRuns(events: AdmissionEvent[]): {
  ticks: number[];
  decisions: number;
  notDispatched: number;
} {
  const ticks = events.filter((e) => e.data.tick !== undefined).map((e) => e.data.tick as number);
  return {
    ticks: [...new Set(ticks)].sort((a, b) => a - b),
    decisions: ticks.length,
    notDispatched: events.filter((e) => e.type !== 'RunDispatched').length,
  };
}
