import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commandGroups, flagName } from '@passerine/config';
import {
  connectNats,
  freePort,
  type NatsConnection,
  type NatsServerHandle,
  startNatsServer,
  waitForJetStream,
} from '@passerine/natsconn';
import { projectRoot, spawnCli } from './cli.ts';
import { type ComposeService, readCompose } from './compose-file.ts';
import { ComposeVolumes } from './compose-volumes.ts';
import { readTopologyCredentials, type TopologyCredentials } from './topology-credentials.ts';
import { waitFor } from './wait.ts';

/**
 * docker-compose.yml's topology as processes on loopback: its NATS nodes as nats-servers in a
 * cluster under the names the file gives them, and each Passerine service as `passerine serve`
 * processes with the file's environment — the URL list mapped from the nodes' DNS names to their
 * loopback ports, hosts bound beyond loopback brought back to it, published ports made free ones
 * (replicas share this machine). The file's setup steps run first on its volumes (directories
 * here): the nodes include the users they made and each process connects as its role's, with the
 * credential file its environment names.
 */
export interface TopologyOptions {
  /** Replicas of each service (the loopback run: 2 of each). */
  replicas?: number;
  /** More environment for every service process (log level, heartbeat, ...). */
  env?: Record<string, string>;
  /** Output of the processes goes here instead of memory only. */
  quiet?: boolean;
}

export interface Replica {
  service: string;
  index: number;
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  /** What the process printed as its endpoints (cbor, grpc, ...). */
  endpoints: Record<string, string>;
}

export interface Topology {
  urls: string[];
  /** The role users the setup made, when the nodes include them. */
  credentials?: TopologyCredentials;
  /** The environment of an admin process (the CLI) on this topology: its URLs and credential. */
  adminEnvironment: Record<string, string>;
  nodes: NatsServerHandle[];
  replicas: Replica[];
  connect(name?: string): Promise<NatsConnection>;
  /** A fresh process in the place of a replica (after a kill). */
  restartReplica(replica: Replica): Promise<Replica>;
  /** Starts a stopped node again on its store directory and port. */
  restartNode(index: number): Promise<NatsServerHandle>;
  stop(): Promise<void>;
}

/** Container ports the compose file publishes, and the flag that sets each for `serve`. */
const PUBLISHED_PORT_FLAGS: Record<number, string> = {
  5932: '--cbor-port',
  5933: '--grpc-port',
  5980: '--http-port',
};

function serveFlags(): Set<string> {
  const flags = new Set<string>();
  for (const group of commandGroups.serve) {
    for (const setting of Object.values(group.settings)) if (setting.flag) flags.add(flagName(setting));
  }
  return flags;
}

function loopbackArgs(service: ComposeService): string[] {
  const known = serveFlags();
  const args = service.flags.map((a, i, all) =>
    /-host$/.test(all[i - 1] ?? '') && a === '0.0.0.0' ? '127.0.0.1' : a,
  );
  for (const port of service.ports) {
    const flag = PUBLISHED_PORT_FLAGS[port];
    if (flag && known.has(flag)) args.push(`${flag}=0`);
  }
  return args;
}

function clusterName(conf: string): string {
  return /cluster\s*\{[^}]*?\bname:\s*"?([\w-]+)"?/.exec(conf)?.[1] ?? 'passerine';
}

function parseEndpoints(output: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of output.matchAll(/^ {2}(\w[\w-]*)\s+((?:tcp|grpc|http|nats):\/\/\S+)$/gm))
    found[m[1]] = m[2];
  return found;
}

export async function startComposeTopology(options: TopologyOptions = {}): Promise<Topology> {
  const compose = readCompose();
  const root = await mkdtemp(join(tmpdir(), 'passerine-topology-'));
  const conf = await readFile(join(projectRoot, 'nats.conf'), 'utf8');
  const routePorts = await Promise.all(compose.natsNodes.map(() => freePort()));
  const clientPorts = await Promise.all(compose.natsNodes.map(() => freePort()));
  const volumes = new ComposeVolumes(join(root, 'volumes'));
  for (const step of compose.setup) await volumes.runSetup(step, root);
  const users = volumes.includedFile(compose.natsNodes[0], conf);
  const credentials = users ? readTopologyCredentials(dirname(users)) : undefined;
  const admin = credentials && { user: credentials.admin.user, pass: credentials.admin.password };
  const startNode = async (i: number) => {
    const dir = join(root, compose.natsNodes[i].service);
    await mkdir(dir, { recursive: true });
    return startNatsServer({
      dir,
      port: clientPorts[i],
      baseConfig: conf,
      serverName: compose.natsNodes[i].serverName,
      cluster: { name: clusterName(conf), port: routePorts[i], routes: routePorts.filter((_, j) => j !== i) },
      logFile: join(dir, 'nats-server.log'),
      authorizationFile: volumes.includedFile(compose.natsNodes[i], conf),
    });
  };
  const nodes = await Promise.all(compose.natsNodes.map((_, i) => startNode(i)));
  for (const node of nodes) {
    const nc = await connectNats({ servers: node.url, ...admin });
    await waitForJetStream(nc, 60_000);
    await nc.close();
  }
  const urlOf = new Map(compose.natsNodes.map((n, i) => [n.service, nodes[i].url]));
  const mapUrls = (list: string) =>
    list
      .split(',')
      .map((u) => urlOf.get(new URL(u).hostname) ?? u)
      .join(',');

  const spawnReplica = async (service: ComposeService, index: number): Promise<Replica> => {
    const env: Record<string, string> = { ...service.environment, ...options.env };
    if (env.PASSERINE_NATS_URL) env.PASSERINE_NATS_URL = mapUrls(env.PASSERINE_NATS_URL);
    // Paths on its volumes (its credential file) as they are here.
    for (const [name, value] of Object.entries(env)) env[name] = volumes.hostPath(value, service.volumes);
    const cwd = join(root, `${service.service}-${index}`);
    await mkdir(cwd, { recursive: true });
    const proc = spawnCli(['serve', ...service.serves, ...loopbackArgs(service)], cwd, env);
    await waitFor(() => /Press Ctrl-C/.test(proc.output()) || proc.child.exitCode !== null, {
      timeoutMs: 90_000,
      message: `${service.service} replica ${index}`,
    });
    if (proc.child.exitCode !== null) {
      throw new Error(`${service.service} replica ${index} exited: ${proc.output()}`);
    }
    return {
      service: service.service,
      index,
      pid: proc.child.pid!,
      output: proc.output,
      exited: proc.exited,
      endpoints: parseEndpoints(proc.output()),
    };
  };

  const replicas: Replica[] = [];
  const connections: NatsConnection[] = [];
  const stop = async () => {
    for (const r of replicas) {
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        // Ended already.
      }
    }
    await Promise.allSettled(replicas.map((r) => r.exited));
    await Promise.allSettled(connections.map((nc) => (nc.isClosed() ? undefined : nc.close())));
    await Promise.allSettled(nodes.map((n) => n.kill()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    // In start order, so a service finds what it depends on (the registry's order: store first).
    for (const service of compose.services) {
      for (let i = 0; i < (options.replicas ?? 2); i++) replicas.push(await spawnReplica(service, i));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls: nodes.map((n) => n.url),
    credentials,
    // Restarted nodes keep their ports: these stay right.
    adminEnvironment: {
      PASSERINE_NATS_URL: nodes.map((n) => n.url).join(','),
      ...(credentials && { PASSERINE_NATS_CREDENTIALS: credentials.fileOf('admin') }),
    },
    nodes,
    replicas,
    async connect(name) {
      const nc = await connectNats({ servers: nodes.map((n) => n.url), name, ...admin });
      connections.push(nc);
      return nc;
    },
    async restartReplica(replica) {
      const service = compose.services.find((s) => s.service === replica.service)!;
      const fresh = await spawnReplica(service, replica.index);
      replicas[replicas.indexOf(replica)] = fresh;
      return fresh;
    },
    async restartNode(index) {
      nodes[index] = await startNode(index);
      return nodes[index];
    },
    stop,
  };
}
