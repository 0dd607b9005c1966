import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { runSettings, SettingValues } from '@passerine/config';
import { createLogger, randomIdSource, systemClock, UnavailableError } from '@passerine/core';
import {
  connectNats,
  LocalRpc,
  type NatsServerHandle,
  portIsFree,
  type Service,
  startNatsServer,
  waitForJetStream,
} from '@passerine/natsconn';
import { provision } from '@passerine/eventlog';
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
import { dataDir, readEndpoints, removeEndpoints, writeEndpoints } from './endpoints.ts';
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
  /** The services to start, in order, each ready to build from its options. */
  services: { name: RegisteredService['name']; create: ServiceFactory }[];
}

export interface RunningPasserine {
  natsUrl: string;
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

async function embeddedServer(
  dir: string,
  natsPort: number | undefined,
  authorizationFile: string | undefined,
): Promise<NatsServerHandle> {
  const port = natsPort ?? ((await portIsFree(4222)) ? 4222 : -1);
  const confPath = join(projectRoot, 'nats.conf');
  return startNatsServer({
    dir,
    port,
    serverName: 'passerine-embedded',
    baseConfig: existsSync(confPath) ? readFileSync(confPath, 'utf8') : undefined,
    logFile: join(dir, 'nats-server.log'),
    authorizationFile,
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
  let server: NatsServerHandle | undefined;
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
    server = await embeddedServer(dir, options.natsPort, credential && join(dir, AUTHORIZATION_FILE));
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
    await server?.stop();
    await tracing?.stop();
    throw err;
  }
  const endpoints: Record<string, string> = { nats: natsUrl };
  for (const s of started) Object.assign(endpoints, s.endpoints?.() ?? {});
  // Only the embedded default records itself: commands run here then find it without flags.
  if (server) {
    await writeEndpoints({
      pid: process.pid,
      natsPid: server.pid,
      prefix: names.prefix,
      ...endpoints,
      nats: natsUrl,
    });
  }

  let stopping: Promise<void> | undefined;
  return {
    natsUrl,
    endpoints,
    stop() {
      stopping ??= (async () => {
        for (const s of [...started].reverse()) {
          await s.stop().catch((err) => logger.error({ err, service: s.name }, 'stop failed'));
        }
        await nc.drain().catch(() => undefined);
        await tracing?.stop().catch(() => undefined);
        if (server) {
          await server.stop();
          await removeEndpoints();
        }
      })();
      return stopping;
    },
  };
}
