import { clientSettings, dataDir, readEndpoints, readGiven } from '@passerine/config';
import { randomIdSource } from '@passerine/core';
import { connectNats, type NatsConnection } from '@passerine/natsconn';
import {
  locateNatsCredential,
  type NatsCredential,
  type NatsTlsFiles,
  natsAuthOptions,
  natsTlsOptions,
} from '@passerine/security';
import { createNames, type Names } from '@passerine/subjects';
import { Executor, type ExecutorOptions } from './executor.ts';
import { NodeOffers, type NodeOffer } from './offers.ts';
import { Pool, type PoolOptions } from './pool.ts';
import { Session } from './session.ts';
import { type PullWorker, type PullWorkerOptions, startPullWorker } from './run-worker.ts';
import { WorkQueue } from './work-queue.ts';

export interface ConnectOptions {
  /** The NATS to talk to; default: PASSERINE_NATS_URL, else the `passerine up` of `cwd`, else 127.0.0.1:4222. */
  natsUrl?: string;
  /** Prefix of Passerine's subjects; default: the running `passerine up`'s, else `psr`. */
  prefix?: string;
  /** Where to look for a running `passerine up` (its `.passerine/endpoints.json`); default: the current directory. */
  cwd?: string;
  /** How long to keep trying to reach NATS (ms). */
  timeoutMs?: number;
  /** The connection's name, as NATS monitoring shows it. */
  name?: string;
  /**
   * Whom to connect as: a file of one credential; default: PASSERINE_NATS_CREDENTIALS, else (with
   * the `passerine up` of `cwd`) its credential of `role`.
   */
  credentialsFile?: string;
  /** The role whose credential of the local `passerine up` to use: admin (default) or a namespace's worker. */
  role?: 'admin' | 'worker';
  /** With role worker: the namespace whose worker credential to use. */
  namespace?: string;
  /** TLS towards NATS; default: PASSERINE_NATS_CA, PASSERINE_NATS_CERT and PASSERINE_NATS_KEY. */
  tls?: NatsTlsFiles;
}

/** Where Passerine is, and whom to be there, as a user expects to find them. */
export function locate(options: ConnectOptions = {}): {
  natsUrl: string;
  prefix: string;
  credential?: NatsCredential;
  tls: NatsTlsFiles;
} {
  const env = { env: process.env };
  const fromEnv = readGiven(clientSettings.settings.natsUrl, env);
  const up = options.natsUrl || fromEnv ? null : readEndpoints(options.cwd);
  const natsUrl =
    options.natsUrl ?? fromEnv ?? up?.nats ?? (clientSettings.settings.natsUrl.fallback() as string);
  const file = options.credentialsFile ?? readGiven(clientSettings.settings.natsCredentials, env);
  const credential = locateNatsCredential({
    file,
    dataDir: !file && up ? dataDir(options.cwd) : undefined,
    role: options.role,
    namespace: options.namespace,
  });
  const { natsCa, natsCert, natsKey } = clientSettings.settings;
  const tls = options.tls ?? {
    caFile: readGiven(natsCa, env),
    certFile: readGiven(natsCert, env),
    keyFile: readGiven(natsKey, env),
  };
  return { natsUrl, prefix: options.prefix ?? up?.prefix ?? 'psr', credential, tls };
}

/** Connects to Passerine: see ConnectOptions for how it is found. */
export async function connect(options: ConnectOptions = {}): Promise<PasserineClient> {
  const { natsUrl, prefix, credential, tls } = locate(options);
  const names = createNames(prefix);
  const nc = await connectNats({
    ...natsAuthOptions(credential),
    ...natsTlsOptions(tls),
    servers: natsUrl,
    name: options.name ?? 'passerine-client',
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const client = new PasserineClient(nc, names);
  // A worker's credential reaches only its namespace's work queue, not the node monitors' adverts.
  if (options.role === 'worker') return client;
  try {
    await client.offers.start();
  } catch (err) {
    await nc.close();
    throw err;
  }
  return client;
}

/**
 * A connection to Passerine: executors and pools that run tasks on its node monitors, the work
 * queue, and pull workers. One client shares one NATS connection and one inbox between them.
 */
export class PasserineClient {
  readonly session: Session;
  readonly offers: NodeOffers;
  private readonly executors = new Set<Executor>();
  private readonly workers = new Set<PullWorker>();

  constructor(
    readonly nc: NatsConnection,
    readonly names: Names,
  ) {
    this.session = new Session(nc, names, `c${randomIdSource().next()}`);
    this.offers = new NodeOffers(nc, names);
  }

  /** A futures executor (Satyr's Executor). */
  executor(options: ExecutorOptions = {}): Executor {
    const executor = new Executor({ session: this.session, offers: this.offers }, options);
    this.executors.add(executor);
    return executor;
  }

  /** A multiprocessing-style pool; `processes` defaults to the live node monitors' slots. */
  pool(options: PoolOptions = {}): Pool {
    const processes =
      options.processes ??
      Math.max(
        1,
        this.nodes().reduce((sum, node) => sum + node.slots, 0),
      );
    return new Pool({ session: this.session, offers: this.offers }, { ...options, processes });
  }

  /** The node monitors live now, as offers: free resources, labels and load. */
  nodes(): NodeOffer[] {
    return this.offers.current();
  }

  /** Typed calls of the work queue of a namespace. */
  workQueue(namespace = 'default'): WorkQueue {
    return new WorkQueue(this.nc, this.names, namespace);
  }

  /** A pull worker for work specs: see PullWorkerOptions. */
  runWorker(options: PullWorkerOptions): PullWorker {
    const worker = startPullWorker(this.workQueue(options.namespace), options);
    this.workers.add(worker);
    void worker.done.finally(() => this.workers.delete(worker));
    return worker;
  }

  /** Stops workers, cancels what is still in hand, and closes the connection. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.workers].map((worker) => worker.stop()));
    for (const executor of this.executors) executor.close();
    await this.session.close();
    this.offers.stop();
    await this.nc.drain().catch(() => this.nc.close());
  }
}
