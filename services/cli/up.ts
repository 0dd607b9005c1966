import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, randomIdSource, systemClock, UnavailableError } from '@passerine/core';
import {
  connectNats,
  type NatsServerHandle,
  portIsFree,
  type Service,
  startNatsServer,
  waitForJetStream,
} from '@passerine/natsconn';
import { provision } from '@passerine/eventlog';
import { createNames } from '@passerine/subjects';
import { dataDir, readEndpoints, removeEndpoints, writeEndpoints } from './endpoints.ts';
import { registeredServices, type UpOptions } from './registry.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface UpCommandOptions extends Partial<UpOptions> {
  natsUrl?: string;
  /** Run only these services (by name); all when omitted. */
  only?: string[];
  /** Stream replicas (3 on a NATS cluster). */
  replicas?: number;
  prefix?: string;
  natsPort?: number;
  logLevel?: string;
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

/** Brings Passerine up: NATS (embedded unless a URL is given), streams, then every registered service. */
export async function up(options: UpCommandOptions = {}): Promise<RunningPasserine> {
  const running = options.natsUrl ? null : readEndpoints();
  if (running) {
    throw new UnavailableError(
      `Passerine already runs from this directory (pid ${running.pid}, NATS ${running.nats})`,
    );
  }
  const logger = createLogger({ level: options.logLevel });
  let server: NatsServerHandle | undefined;
  if (!options.natsUrl) {
    const dir = dataDir();
    await mkdir(dir, { recursive: true });
    server = await embeddedServer(dir, options.natsPort);
  }
  const natsUrl = options.natsUrl ?? server!.url;
  const names = createNames(options.prefix);
  const started: Service[] = [];
  const nc = await connectNats({ servers: natsUrl, name: 'passerine-up' });
  try {
    await waitForJetStream(nc);
    const replicas = options.replicas ?? Number(process.env.PASSERINE_REPLICAS ?? 1);
    await provision(nc, names, { events: { replicas }, logs: { replicas } });
    const upOptions: UpOptions = {
      cborPort: options.cborPort ?? 5932,
      cborHost: options.cborHost ?? '127.0.0.1',
      grpcPort: options.grpcPort ?? 5933,
    };
    const ctx = { nc, names, logger, clock: systemClock, ids: randomIdSource() };
    const unknown = (options.only ?? []).filter((n) => !registeredServices.some((s) => s.name === n));
    if (unknown.length) {
      throw new UnavailableError(
        `no such service ${unknown.join(', ')} (known: ${registeredServices.map((s) => s.name).join(', ')})`,
      );
    }
    const chosen = registeredServices.filter((s) => !options.only || options.only.includes(s.name));
    for (const entry of chosen) {
      const service = await entry.create(
        { ...ctx, logger: logger.child({ service: entry.name }) },
        upOptions,
      );
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
