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
import { createNames } from '@passerine/subjects';
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
  /** The services to start, in order, each ready to build from its options. */
  services: { name: RegisteredService['name']; create: ServiceFactory }[];
}

export interface RunningPasserine {
  natsUrl: string;
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

async function embeddedServer(dir: string, natsPort?: number): Promise<NatsServerHandle> {
  const port = natsPort ?? ((await portIsFree(4222)) ? 4222 : -1);
  const confPath = join(projectRoot, 'nats.conf');
  return startNatsServer({
    dir,
    port,
    serverName: 'passerine-embedded',
    baseConfig: existsSync(confPath) ? readFileSync(confPath, 'utf8') : undefined,
    logFile: join(dir, 'nats-server.log'),
  });
}

/** Brings Passerine up: NATS (embedded unless a URL is given), streams, then the services. */
export async function up(options: UpCommandOptions): Promise<RunningPasserine> {
  const running = options.natsUrl ? null : readEndpoints();
  if (running) {
    throw new UnavailableError(
      `Passerine already runs from this directory (pid ${running.pid}, NATS ${running.nats})`,
    );
  }
  const { logLevel, prefix, replicas, localCalls, logMaxBytes, logMaxAgeMs } = options.run;
  const logger = createLogger({ level: logLevel });
  let server: NatsServerHandle | undefined;
  if (!options.natsUrl) {
    const dir = dataDir();
    await mkdir(dir, { recursive: true });
    server = await embeddedServer(dir, options.natsPort);
  }
  const natsUrl = options.natsUrl ?? server!.url;
  const names = createNames(prefix);
  const started: Service[] = [];
  const nc = await connectNats({ servers: natsUrl, name: 'passerine-up' });
  try {
    await waitForJetStream(nc);
    await provision(nc, names, {
      events: { replicas },
      logs: { replicas, maxBytes: logMaxBytes, maxAgeMs: logMaxAgeMs },
    });
    const local = localCalls ? new LocalRpc() : undefined;
    const ctx = { nc, names, logger, clock: systemClock, ids: randomIdSource(), local };
    for (const entry of options.services) {
      const service = await entry.create({ ...ctx, logger: logger.child({ service: entry.name }) });
      await service.start();
      started.push(service);
    }
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await nc.close().catch(() => undefined);
    await server?.stop();
    throw err;
  }
  const endpoints: Record<string, string> = { nats: natsUrl };
  for (const s of started) Object.assign(endpoints, s.endpoints?.() ?? {});
  // Only the embedded default records itself: commands run here then find it without flags.
  if (server) await writeEndpoints({ pid: process.pid, prefix: names.prefix, ...endpoints, nats: natsUrl });

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
        if (server) {
          await server.stop();
          await removeEndpoints();
        }
      })();
      return stopping;
    },
  };
}
