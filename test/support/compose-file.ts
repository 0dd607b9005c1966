import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from './cli.ts';

/**
 * What docker-compose.yml says the cluster is, read the way compose reads it (YAML merge keys
 * resolved): the NATS nodes, the one-shot setup steps they wait for, and every Passerine service
 * with its command, environment, volumes and replicas. The loopback topology and the compose check both start from this, so the file is
 * what is tested, not a second description of it.
 */
export interface ComposeNatsNode {
  service: string;
  image: string;
  serverName: string;
  hostname?: string;
  /** The server's command line in the compose file. */
  args: string[];
  /** Container paths mounted from the repository, to the repository's file: /etc/nats/nats.conf → nats.conf. */
  mounts: Record<string, string>;
  /** Container paths of named volumes, to the volume's name (the credentials volume's mount point → credentials). */
  volumes: Record<string, string>;
  /** Services it waits for, with compose's condition (service_started for the list form). */
  dependsOn: Record<string, string>;
}

/** A one-shot `passerine` command that prepares a volume (the credentials) before the rest starts. */
export interface ComposeSetup {
  service: string;
  /** What follows `passerine` on its command line. */
  args: string[];
  volumes: Record<string, string>;
  built: boolean;
  restart: string;
}

export interface ComposeService {
  service: string;
  image: string;
  /** Built from the repository's Dockerfile (`build: .`). */
  built: boolean;
  /** The service names after `passerine serve`. */
  serves: string[];
  /** What follows them: flags and their values, as written. */
  flags: string[];
  environment: Record<string, string>;
  replicas: number;
  /** Container ports the service publishes (5932, 5933, ...). */
  ports: number[];
  volumes: Record<string, string>;
}

export interface ComposeTopology {
  natsNodes: ComposeNatsNode[];
  setup: ComposeSetup[];
  services: ComposeService[];
  /** The named volumes the file declares. */
  volumes: string[];
}

interface RawService {
  image?: string;
  hostname?: string;
  volumes?: string[];
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  deploy?: { replicas?: number };
  ports?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  restart?: string;
}

export const composePath = join(projectRoot, 'docker-compose.yml');

export function readComposeText(): string {
  return readFileSync(composePath, 'utf8');
}

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** A service's `volumes:` split into repository files (./x:/path) and named volumes (name:/path). */
function mountsOf(raw: RawService): { mounts: Record<string, string>; volumes: Record<string, string> } {
  const mounts: Record<string, string> = {};
  const volumes: Record<string, string> = {};
  for (const volume of raw.volumes ?? []) {
    const [from, to] = String(volume).split(':');
    if (from.startsWith('./')) mounts[to] = join(projectRoot, from);
    else volumes[to] = from;
  }
  return { mounts, volumes };
}

function dependsOnOf(raw: RawService): Record<string, string> {
  const given = raw.depends_on ?? [];
  if (Array.isArray(given)) return Object.fromEntries(given.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(given).map(([name, how]) => [name, how?.condition ?? 'service_started']),
  );
}

export function parseCompose(text: string): ComposeTopology {
  const doc = parse(text, { merge: true }) as {
    services?: Record<string, RawService>;
    volumes?: Record<string, unknown>;
  };
  const natsNodes: ComposeNatsNode[] = [];
  const setup: ComposeSetup[] = [];
  const services: ComposeService[] = [];
  for (const [service, raw] of Object.entries(doc.services ?? {})) {
    const image = raw.image ?? '';
    const command = (raw.command ?? []).map(String);
    if (image.startsWith('nats:')) {
      const serverName = flagValue(command, '--server_name');
      if (!serverName) throw new Error(`${service}: a NATS node needs --server_name on its command`);
      natsNodes.push({
        service,
        image,
        serverName,
        hostname: raw.hostname,
        args: command,
        ...mountsOf(raw),
        dependsOn: dependsOnOf(raw),
      });
      continue;
    }
    if (command[0] === 'passerine' && command[1] !== 'serve') {
      setup.push({
        service,
        args: command.slice(1),
        volumes: mountsOf(raw).volumes,
        built: raw.build === '.',
        restart: raw.restart ?? '',
      });
      continue;
    }
    if (command[0] !== 'passerine') {
      throw new Error(`${service}: expected a command "passerine serve NAME..." (has ${command.join(' ')})`);
    }
    const rest = command.slice(2);
    const firstFlag = rest.findIndex((a) => a.startsWith('-'));
    const serves = firstFlag < 0 ? rest : rest.slice(0, firstFlag);
    services.push({
      service,
      image,
      built: raw.build === '.',
      serves,
      flags: firstFlag < 0 ? [] : rest.slice(firstFlag),
      environment: Object.fromEntries(Object.entries(raw.environment ?? {}).map(([k, v]) => [k, String(v)])),
      replicas: raw.deploy?.replicas ?? 1,
      ports: (raw.ports ?? []).map((p) => Number(String(p).split(':').at(-1))),
      volumes: mountsOf(raw).volumes,
    });
  }
  return { natsNodes, setup, services, volumes: Object.keys(doc.volumes ?? {}) };
}

export function readCompose(): ComposeTopology {
  return parseCompose(readComposeText());
}
