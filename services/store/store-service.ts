import { hostname } from 'node:os';
import { type KV, Kvm } from '@nats-io/kv';
import type { Subscription } from '@nats-io/transport-node';
import { ValidationError } from '@passerine/core';
import { EventArchive, EventVersionGate, eventLogOf, SnapshotStore } from '@passerine/eventlog';
import { createMetrics } from '@passerine/metrics';
import { type Service, type ServiceContext, serveRpc } from '@passerine/natsconn';
import { encodeToken } from '@passerine/subjects';
import { workQueueVersions } from '@passerine/workqueue';
import { Compactor } from './compactor.ts';
import { LeaderLease } from './leader-lease.ts';
import { NamespacePartition } from './partition.ts';

export interface StoreOptions {
  /** How long a leader's lease lives without renewal (ms): failover time is about this. */
  leaseTtlMs?: number;
  /** Stream replicas of the buckets (3 on a NATS cluster). */
  replicas?: number;
  /** Identity of this replica in leases. */
  holderId?: string;
  /** Events a leader appends between snapshots (it also snapshots on a clean stop). */
  snapshotEvery?: number;
  /** Units a snapshot copies between two turns of the event loop (operations wait for the copy). */
  snapshotUnitsPerStep?: number;
  /** The event stream is compacted into its archive once it holds more than this many bytes. */
  compactAboveBytes?: number;
  /** `archive` keeps compacted history in the archive bucket; `forget` drops it. */
  eventHistory?: 'archive' | 'forget';
  /** Largest size of the archive (bytes); 0 = unlimited. */
  archiveMaxBytes?: number;
  /**
   * Highest version to read and write per event type (`{ WorkSpecDeleted: '1' }`): this replica
   * then behaves as a build from before that version — beside replicas of a release that does
   * not announce its versions, or to rehearse an upgrade.
   */
  eventVersions?: Readonly<Record<string, string | number>>;
}

const NAMESPACE = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * The store: every replica follows every namespace; each namespace has one leader at a time
 * (a lease in a KV bucket) that alone writes its events and answers its requests.
 */
export function createStoreService(
  ctx: ServiceContext,
  options: StoreOptions = {},
): Service & {
  partitions: Map<string, NamespacePartition>;
  compactor: Compactor;
  gate: EventVersionGate;
} {
  const ttl = options.leaseTtlMs ?? 3_000;
  // Host and pid make the holder of a lease findable by an operator (and by the failover test).
  const holderId = options.holderId ?? `store-${hostname()}-${process.pid}-${ctx.ids.next().slice(-6)}`;
  const partitions = new Map<string, NamespacePartition>();
  const versions = workQueueVersions(versionPins(options.eventVersions));
  const gate = new EventVersionGate({
    nc: ctx.nc,
    bucket: ctx.names.versionBucket,
    id: encodeToken(holderId),
    role: 'store',
    versions,
    now: () => ctx.clock.now(),
    logger: ctx.logger,
    replicas: options.replicas ?? 1,
  });
  const metrics = ctx.metrics ?? createMetrics();
  const archiveOptions = { replicas: options.replicas ?? 1, maxBytes: options.archiveMaxBytes || undefined };
  const log = eventLogOf(ctx.nc, ctx.names, archiveOptions);
  const snapshots = new SnapshotStore(ctx.nc, ctx.names.snapshotBucket, options.replicas ?? 1);
  const compactor = new Compactor({
    nc: ctx.nc,
    stream: ctx.names.eventStream,
    snapshots,
    archive:
      options.eventHistory === 'forget'
        ? null
        : new EventArchive(ctx.nc, ctx.names.archiveBucket, archiveOptions),
    aboveBytes: options.compactAboveBytes ?? 256 * 1024 ** 2,
    active: () => [...partitions.values()].some((p) => p.role === 'leader'),
    wantSnapshots: () => {
      for (const p of partitions.values()) p.snapshots.want();
    },
    logger: ctx.logger,
  });
  let leases: KV;
  let registry: KV;
  let leaseTimer: NodeJS.Timeout | undefined;
  let openSub: Subscription | undefined;
  let watching: { stop(): void } | undefined;
  let stopped = false;

  const ensurePartition = (namespace: string) => {
    if (partitions.has(namespace) || stopped) return;
    const lease = new LeaderLease(leases, encodeToken(namespace), holderId);
    const partition = new NamespacePartition({
      ctx,
      namespace,
      log,
      lease,
      holderId,
      snapshots,
      snapshotEvery: options.snapshotEvery,
      snapshotUnitsPerStep: options.snapshotUnitsPerStep,
      metrics,
      versions,
      writeVersion: (type) => gate.writeVersion(type),
    });
    partitions.set(namespace, partition);
    partition.start();
    void partition.onLeaseTick();
  };

  return {
    name: 'store',
    partitions,
    compactor,
    gate,
    async start() {
      // Announced before any namespace is read, and everyone's adverts known before any is led.
      await gate.start();
      const kvm = new Kvm(ctx.nc);
      const replicas = options.replicas ?? 1;
      leases = await kvm.create(ctx.names.leaderBucket, { ttl, history: 1, replicas });
      registry = await kvm.create(ctx.names.namespaceBucket, { history: 1, replicas });
      const watch = await registry.watch();
      watching = watch;
      void (async () => {
        for await (const entry of watch) if (entry.operation === 'PUT') ensurePartition(entry.string());
      })();
      openSub = serveRpc(
        ctx.nc,
        ctx.names.openNamespace,
        async (request: { namespace?: unknown }) => {
          const namespace = request?.namespace;
          if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
            throw new ValidationError('namespace must be 1-128 letters, digits, _ . or -', {
              field: 'namespace',
            });
          }
          await registry.create(encodeToken(namespace), namespace).catch(() => undefined);
          ensurePartition(namespace);
          return true;
        },
        { queue: ctx.names.queueGroup('store-open'), logger: ctx.logger },
      );
      leaseTimer = setInterval(
        () => {
          for (const p of partitions.values()) void p.onLeaseTick();
        },
        Math.max(100, Math.floor(ttl / 3)),
      );
      compactor.start();
    },
    async stop() {
      stopped = true;
      clearInterval(leaseTimer);
      openSub?.unsubscribe();
      watching?.stop();
      await compactor.stop();
      await Promise.all([...partitions.values()].map((p) => p.stop()));
      await gate.stop();
    },
  };
}

/** Pins as the setting gives them (`WorkSpecDeleted=1`), as numbers; the versions check the rest. */
function versionPins(given: Readonly<Record<string, string | number>> = {}): Record<string, number> {
  const pins: Record<string, number> = {};
  for (const [type, value] of Object.entries(given)) {
    const n = typeof value === 'number' ? value : /^\d{1,6}$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n)) {
      throw new ValidationError(`event version pin ${type}=${value} is not a whole number`, { field: type });
    }
    pins[type] = n;
  }
  return pins;
}
