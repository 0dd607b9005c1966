import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import type { NatsConnection, ServiceContext } from '@passerine/natsconn';
import { NodeMonitor } from '@passerine/node-monitor';
import { openMembershipBucket } from '@passerine/scheduling-protocol';
import type { Names } from '@passerine/subjects';
import { spawnCli, type TestServer, waitFor } from '@passerine/test-support';

/** Membership fast enough that a killed frontend is noticed within a second. */
const FAST_ENV = { PASSERINE_HEARTBEAT_MS: '100', PASSERINE_STALE_AFTER_MS: '800' };

export type FrontendProcess = ReturnType<typeof spawnCli>;

/**
 * Frontends as their own processes (`passerine serve frontend`), so a test can SIGKILL one, and
 * node monitors in the test's process.
 */
export class FrontendFailoverRig {
  readonly ctx: ServiceContext;
  readonly nodes: NodeMonitor[] = [];
  private readonly processes: FrontendProcess[] = [];

  constructor(
    private readonly server: TestServer,
    readonly nc: NatsConnection,
    readonly names: Names,
  ) {
    this.ctx = { nc, names, logger: silentLogger(), clock: systemClock, ids: randomIdSource() };
  }

  async addNodes(count: number, slots: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const node = new NodeMonitor(this.ctx, { id: `n${i}`, slots, heartbeatMs: 100 });
      await node.start();
      this.nodes.push(node);
    }
  }

  /** Starts the frontends and waits until each has advertised itself. */
  async startFrontends<Id extends string>(
    ids: Id[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<Record<Id, FrontendProcess>> {
    const started = {} as Record<Id, FrontendProcess>;
    for (const id of ids) {
      const args = ['serve', 'frontend', '--nats-url', this.server.url, '--prefix', this.names.prefix];
      started[id] = spawnCli(args, process.cwd(), { ...FAST_ENV, ...env, PASSERINE_FRONTEND_ID: id });
      this.processes.push(started[id]);
    }
    // Serving (it says so once its subjects are subscribed), and seen by the others.
    await waitFor(() => ids.every((id) => started[id].output().includes('frontend serving.')), {
      timeoutMs: 30_000,
      message: `frontends ${ids.join(', ')} serving`,
    });
    const bucket = await openMembershipBucket(this.nc, this.names.frontendBucket);
    await waitFor(async () => (await Promise.all(ids.map((id) => bucket.get(id)))).every(Boolean), {
      message: `frontends ${ids.join(', ')} advertised`,
    });
    return started;
  }

  async stop(): Promise<void> {
    for (const proc of this.processes) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
    await Promise.all(this.processes.map((p) => p.exited));
    for (const node of this.nodes) await node.stop();
  }
}
