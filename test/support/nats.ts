import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConnectOptions,
  connectNats,
  freePort,
  type NatsConnection,
  type NatsServerHandle,
  type ServerTls,
  type ServerVersion,
  serverAtLeast,
  startNatsServer,
  waitForJetStream,
} from '@passerine/natsconn';

const projectConf = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'nats.conf');

async function baseConfig(): Promise<string | undefined> {
  return readFile(projectConf, 'utf8').catch(() => undefined);
}

export interface TestServer {
  /** Its directory (config, store), removed by stop(). */
  dir: string;
  url: string;
  version: ServerVersion;
  server: NatsServerHandle;
  /** A fresh client connection, closed by stop(). */
  connect(name?: string): Promise<NatsConnection>;
  /** True when the running server is at least major.minor. */
  atLeast(major: number, minor: number): boolean;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Users per role: the server then refuses anyone else (see @passerine/security). */
  authorizationFile?: string;
  tls?: ServerTls;
  /** Who the readiness probe connects as, when the server requires users or client certificates. */
  probe?: Omit<ConnectOptions, 'servers'>;
}

/** A real nats-server with JetStream on a free port and its own temporary store directory. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'passerine-nats-'));
  const server = await startNatsServer({
    dir,
    baseConfig: await baseConfig(),
    serverName: 'test',
    authorizationFile: options.authorizationFile,
    tls: options.tls,
  });
  const connections: NatsConnection[] = [];
  const probe = await connectNats({ ...options.probe, servers: server.url });
  await waitForJetStream(probe);
  await probe.close();
  return {
    dir,
    url: server.url,
    version: server.version,
    server,
    atLeast: (major, minor) => serverAtLeast(server.version, major, minor),
    async connect(name) {
      const nc = await connectNats({ ...options.probe, servers: server.url, name });
      connections.push(nc);
      return nc;
    },
    async stop() {
      await Promise.allSettled(connections.map((nc) => (nc.isClosed() ? undefined : nc.close())));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestCluster {
  urls: string[];
  servers: NatsServerHandle[];
  connect(name?: string): Promise<NatsConnection>;
  /** Stops one node (a failure), keeping the others. */
  stopNode(index: number): Promise<void>;
  /** Starts a stopped node again on its store directory and ports: it rejoins and catches up. */
  restartNode(index: number): Promise<NatsServerHandle>;
  stop(): Promise<void>;
}

/** A cluster of `size` nats-servers with JetStream on loopback, routes between all of them. */
export async function startTestCluster(
  size = 3,
  options: Pick<TestServerOptions, 'tls' | 'probe'> = {},
): Promise<TestCluster> {
  const root = await mkdtemp(join(tmpdir(), 'passerine-cluster-'));
  const base = await baseConfig();
  const routePorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  /** A node on its own directory; `clientPort` is the one it had when it is started again. */
  const startNode = async (i: number, clientPort?: number) => {
    const dir = join(root, `n${i}`);
    await mkdir(dir, { recursive: true });
    const port = routePorts[i];
    return startNatsServer({
      dir,
      baseConfig: base,
      serverName: `n${i}`,
      port: clientPort,
      cluster: { name: 'passerine-test', port, routes: routePorts.filter((p) => p !== port) },
      tls: options.tls,
    });
  };
  const servers = await Promise.all(routePorts.map((_, i) => startNode(i)));
  const connections: NatsConnection[] = [];
  for (const s of servers) {
    const nc = await connectNats({ ...options.probe, servers: s.url });
    await waitForJetStream(nc, 30_000);
    await nc.close();
  }
  return {
    urls: servers.map((s) => s.url),
    servers,
    async connect(name) {
      const nc = await connectNats({ ...options.probe, servers: servers.map((s) => s.url), name });
      connections.push(nc);
      return nc;
    },
    stopNode: (index) => servers[index].stop(),
    async restartNode(index) {
      servers[index] = await startNode(index, servers[index].port);
      return servers[index];
    },
    async stop() {
      await Promise.allSettled(connections.map((nc) => (nc.isClosed() ? undefined : nc.close())));
      await Promise.allSettled(servers.map((s) => s.stop()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
