import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from './cli.ts';

/**
 * What docker-compose.yml says the cluster is, read the way compose reads it (YAML merge keys
 * resolved): the NATS nodes and every Passerine service with its command, environment and
 * replicas. The loopback topology and the compose check both start from this, so the file is
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
}

export interface ComposeTopology {
  natsNodes: ComposeNatsNode[];
  services: ComposeService[];
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
}

export const composePath = join(projectRoot, 'docker-compose.yml');

export function readComposeText(): string {
  return readFileSync(composePath, 'utf8');
}

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

export function parseCompose(text: string): ComposeTopology {
  const doc = parse(text, { merge: true }) as { services?: Record<string, RawService> };
  const natsNodes: ComposeNatsNode[] = [];
  const services: ComposeService[] = [];
  for (const [service, raw] of Object.entries(doc.services ?? {})) {
    const image = raw.image ?? '';
    const command = (raw.command ?? []).map(String);
    if (image.startsWith('nats:')) {
      const serverName = flagValue(command, '--server_name');
      if (!serverName) throw new Error(`${service}: a NATS node needs --server_name on its command`);
      const mounts: Record<string, string> = {};
      for (const volume of raw.volumes ?? []) {
        const [from, to] = String(volume).split(':');
        if (from.startsWith('./')) mounts[to] = join(projectRoot, from);
      }
      natsNodes.push({ service, image, serverName, hostname: raw.hostname, args: command, mounts });
      continue;
    }
    if (command[0] !== 'passerine' || command[1] !== 'serve') {
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
    });
  }
  return { natsNodes, services };
}

export function readCompose(): ComposeTopology {
  return parseCompose(readComposeText());
}
