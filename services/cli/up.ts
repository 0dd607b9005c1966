import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { runSettings, SettingValues } from '@passerine/config';
import { createLogger, randomIdSource, systemClock, UnavailableError } from '@passerine/core';
import type { Logger } from '@passerine/core';
import {
  connectNats,
  LocalRpc,
  portIsFree,
  type Service,
  type SupervisedServer,
  startSupervisedServer,
  waitForJetStream,
} from '@passerine/natsconn';
import { provision, SnapshotStore } from '@passerine/eventlog';
import { openKeyLimitBucket } from '@passerine/key-limits';
import { openCordonBucket, openMembershipBucket } from '@passerine/scheduling-protocol';
import {
  AUTHORIZATION_FILE,
  CREDENTIALS_FILE,
  type CredentialFile,
  EMBEDDED_ROLE,
  findCredential,
  generateCredentials,
  locateNatsCredential,
  type NatsCredential,
  type NatsTlsFiles,
  natsAuthOptions,
  natsTlsOptions,
  readCredentialFile,
  type ServiceRole,
  saveCredentials,
} from '@passerine/security';
import {
  answerMetricsGather,
  createMetrics,
  type MetricsServer,
  renderRegistry,
  serveMetrics,
  startTracing,
  traceLogFields,
  type Tracing,
} from '@passerine/metrics';
import { createNames, type Names } from '@passerine/subjects';
import { dataDir, type Endpoints, readEndpoints, removeEndpoints, writeEndpoints } from './endpoints.ts';
import type { RegisteredService, ServiceFactory } from './registry.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What `passerine up` and `passerine serve` run, every setting read and checked already. */
export interface UpCommandOptions {
  run: SettingValues<typeof runSettings>;
  /** Run against this NATS; when omitted, start the embedded nats-server. */
  natsUrl?: string;
  /** Client port of the embedded nats-server (-1: any free one). */
  natsPort?: number;
  /** Whether the embedded nats-server has a user per role (default: yes). */
  natsAuth?: boolean;
  /** Who to connect to a given NATS as (a file of one credential). */
  natsCredentials?: string;
  /** TLS towards a given NATS. */
  natsTls?: NatsTlsFiles;
  /** How often within ten minutes the embedded nats-server is started again when it dies. */
  natsRestarts?: number;
  /** The services to start, in order, each ready to build from its options. */
  services: { name: RegisteredService['name']; create: ServiceFactory }[];
}

export interface RunningPasserine {
  natsUrl: string;
  endpoints: Record<string, string>;
  /**
   * Stops the services, then NATS. Whatever state NATS is in (dead, restarting, paused), it is
   * over within `deadlineMs`: past it the nats-server is killed and what still drains is dropped.
   */
  stop(deadlineMs?: number): Promise<void>;
  /** Settles, with one sentence for people, if the embedded nats-server died for good. */
  failed: Promise<string>;
}

/** What is left of the SIGTERM budget for the nats-server after the services had theirs. */
const SERVER_GRACE_MS = 1_500;
const RESTART_WINDOW_MS = 600_000;

async function embeddedServer(
  dir: string,
  logger: Logger,
  onGiveUp: (sentence: string) => void,
  natsPort?: number,
  natsRestarts = 5,
  authorizationFile?: string,
  onRestart?: (pid: number) => Promise<void>,
): Promise<SupervisedServer> {
  const port = natsPort ?? ((await portIsFree(4222)) ? 4222 : -1);
  const confPath = join(projectRoot, 'nats.conf');
  return startSupervisedServer({
    dir,
    port,
    serverName: 'passerine-embedded',
    baseConfig: existsSync(confPath) ? readFileSync(confPath, 'utf8') : undefined,
    logFile: join(dir, 'nats-server.log'),
    authorizationFile,
    restarts: { maxRestarts: natsRestarts, windowMs: RESTART_WINDOW_MS },
    logger,
    onGiveUp,
    onRestart: onRestart && ((handle) => onRestart(handle.pid)),
  });
}

/**
 * The embedded server's users: those of the last run when its prefix is the same (workers keep
 * the credentials they were issued), else a fresh set. Services of this process connect as one
 * user holding the union of their roles; the CLI and programs here find the admin's.
 */
function embeddedCredentials(dir: string, names: Names): CredentialFile {
  const previous = readCredentialFile(dir);
  const file = previous?.prefix === names.prefix ? previous : generateCredentials(names);
  saveCredentials(dir, file, names);
  if (!findCredential(file, EMBEDDED_ROLE)) {
    throw new UnavailableError(`${join(dir, CREDENTIALS_FILE)} has no ${EMBEDDED_ROLE} user`);
  }
  return file;
}

function withDeadline(work: Promise<void>, ms: number): Promise<'done' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  return Promise.race([work.then(() => 'done' as const), late]).finally(() => clearTimeout(timer));
}

/** Brings Passerine up: NATS (embedded unless a URL is given), streams, then the services. */
export async function up(options: UpCommandOptions): Promise<RunningPasserine> {
  const running = options.natsUrl ? null : readEndpoints();
  if (running) {
    throw new UnavailableError(
      `Passerine already runs from this directory (pid ${running.pid}, NATS ${running.nats})`,
    );
  }
  const { logLevel, prefix, replicas, localCalls, logMaxBytes, logMaxAgeMs, metricsPort, otlpUrl } =
    options.run;
  const tracing: Tracing | null = startTracing({
    otlpUrl,
    serviceName: `passerine-${options.services.map((s) => s.name).join('+')}`,
  });
  const logger = createLogger({ level: logLevel, mixin: tracing ? traceLogFields : undefined });
  const names = createNames(prefix);
  // One registry for the process, whatever services it runs; the gateway gathers every process's.
  const metrics = createMetrics();
  let metricsServer: MetricsServer | undefined;
  let server: SupervisedServer | undefined;
  // What this run recorded in the endpoints file, rewritten with each new nats-server's pid.
  let recorded: Endpoints | undefined;
  let giveUp: (sentence: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => {
    giveUp = resolve;
  });
  let credential = locateNatsCredential({ file: options.natsCredentials });
  // What a service's own extra connections present: its role's user here, else the one given.
  let roleCredential = (_service: string): NatsCredential | undefined => credential;
  // `serve` beside this directory's `passerine up`, on its NATS, finds its role's credential as
  // the CLI finds the admin's: one service runs as its role, several as the union of theirs.
  const local = options.natsUrl && !options.natsCredentials ? readEndpoints() : null;
  const localFile = local?.nats === options.natsUrl ? readCredentialFile(dataDir()) : null;
  if (localFile) {
    const only = options.services.length === 1 ? (options.services[0]?.name as ServiceRole) : undefined;
    credential = findCredential(localFile, only ?? EMBEDDED_ROLE);
    roleCredential = (service) => findCredential(localFile, service as ServiceRole);
  }
  if (!options.natsUrl) {
    const dir = dataDir();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = options.natsAuth === false ? undefined : embeddedCredentials(dir, names);
    credential = file && findCredential(file, EMBEDDED_ROLE);
    roleCredential = (service) => file && findCredential(file, service as ServiceRole);
    server = await embeddedServer(
      dir,
      logger.child({ part: 'nats-server' }),
      (sentence) => giveUp(sentence),
      options.natsPort,
      options.natsRestarts,
      credential && join(dir, AUTHORIZATION_FILE),
      async (natsPid) => {
        if (!recorded) return;
        recorded = { ...recorded, natsPid };
        await writeEndpoints(recorded);
      },
    );
  }
  const natsUrl = options.natsUrl ?? server!.url;
  const started: Service[] = [];
  const nc = await connectNats({
    servers: natsUrl,
    name: 'passerine-up',
    ...natsAuthOptions(credential),
    ...natsTlsOptions(options.natsTls ?? {}),
  });
  try {
    await waitForJetStream(nc);
    await provision(nc, names, {
      events: { replicas },
      logs: { replicas, maxBytes: logMaxBytes, maxAgeMs: logMaxAgeMs },
    });
    // Services open these buckets with their own defaults; made here first, they keep the run's replicas.
    for (const bucket of [names.nodeBucket, names.frontendBucket])
      await openMembershipBucket(nc, bucket, replicas);
    await new SnapshotStore(nc, names.snapshotBucket, replicas).open();
    await openCordonBucket(nc, names.cordonBucket, replicas);
    await openKeyLimitBucket(nc, names.keyLimitBucket, replicas);
    const gather = answerMetricsGather(nc, names, metrics.registry);
    started.push({ name: 'metrics-gather', start: async () => {}, stop: async () => gather.unsubscribe() });
    if (metricsPort !== undefined) {
      metricsServer = await serveMetrics({
        host: '127.0.0.1',
        port: metricsPort,
        render: renderRegistry(metrics.registry),
      });
      const server = metricsServer;
      started.push({
        name: 'metrics',
        start: async () => {},
        stop: () => server.close(),
        endpoints: () => ({ metrics: `http://127.0.0.1:${server.port}/metrics` }),
      });
    }
    const local = localCalls ? new LocalRpc() : undefined;
    const ctx = { nc, names, logger, clock: systemClock, ids: randomIdSource(), local, metrics };
    for (const entry of options.services) {
      const service = await entry.create({
        ...ctx,
        logger: logger.child({ service: entry.name }),
        natsAccess: {
          ...natsAuthOptions(roleCredential(entry.name)),
          ...natsTlsOptions(options.natsTls ?? {}),
        },
      });
      await service.start();
      started.push(service);
    }
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await nc.close().catch(() => undefined);
    await server?.kill();
    await tracing?.stop();
    throw err;
  }
  const endpoints: Record<string, string> = { nats: natsUrl };
  for (const s of started) Object.assign(endpoints, s.endpoints?.() ?? {});
  // Only the embedded default records itself: commands run here then find it without flags.
  if (server) {
    recorded = {
      pid: process.pid,
      natsPid: server.current().pid,
      prefix: names.prefix,
      ...endpoints,
      nats: natsUrl,
    };
    await writeEndpoints(recorded);
  }

  let stopping: Promise<void> | undefined;
  return {
    natsUrl,
    endpoints,
    failed,
    stop(deadlineMs = 4_500) {
      stopping ??= (async () => {
        const services = (async () => {
          for (const s of [...started].reverse()) {
            await s.stop().catch((err) => logger.error({ err, service: s.name }, 'stop failed'));
          }
          await nc.drain().catch(() => undefined);
        })();
        // Draining needs NATS: with the server dead or paused it would wait forever.
        const servicesBudget = server ? Math.max(0, deadlineMs - SERVER_GRACE_MS) : deadlineMs;
        if ((await withDeadline(services, servicesBudget)) === 'late') {
          logger.warn({ deadlineMs }, 'services did not stop in time; closing without draining');
          await withDeadline(
            nc.close().catch(() => undefined),
            200,
          );
        }
        await tracing?.stop().catch(() => undefined);
        if (server) {
          await server.stop(SERVER_GRACE_MS);
          await removeEndpoints();
        }
      })();
      return stopping;
    },
  };
}
